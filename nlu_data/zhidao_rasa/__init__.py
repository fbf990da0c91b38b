"""Code that runs inside the Rasa server (its own environment): policies and the tracker store.

Imported by Rasa from nlu_data/ (Rasa puts its working directory on ``sys.path``); nothing here
imports the app.
"""
