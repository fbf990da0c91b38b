"""Two costs of every parsed message that were Python overhead around small computations.

1. Sparse features are combined with ``scipy.sparse.hstack``, a general block-matrix routine
   (``bmat``) that costs ~0.2 ms per pair of matrices; a message's sequence and sentence
   features are combined from four featurizers, more than once per turn. Combining two COO
   matrices is concatenating their entries with the second one's columns shifted: the same
   entries in the same order, the same dtypes, about four times faster.
2. DIET's and TED's prediction is a ``tf.function`` with an input signature whose dimensions
   are all ``None``, so it has exactly one concrete function. Calling the ``tf.function`` still
   computes a cache key from the inputs and canonicalises them against the signature at every
   call (~1.7 ms of a ~5.5 ms prediction on this machine). Here the concrete function is taken
   once and called with the inputs converted to the signature's dtypes.

The first direct call of each model is compared with the ``tf.function``'s own result; if they
ever differed, that model would keep Rasa's call (and the log would say so).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import numpy as np

log = logging.getLogger(__name__)


def combine_sparse(a: Any, b: Any) -> Any:
    """``scipy.sparse.hstack([a, b])`` for the two-block case Rasa uses (a COO matrix)."""
    import scipy.sparse

    a, b = a.tocoo(copy=False), b.tocoo(copy=False)
    return scipy.sparse.coo_matrix(
        (
            np.concatenate((a.data, b.data)),
            (np.concatenate((a.row, b.row)), np.concatenate((a.col, b.col + a.shape[1]))),
        ),
        shape=(a.shape[0], a.shape[1] + b.shape[1]),
    )


def _combine_sparse_features(self: Any, additional_features: Any) -> None:
    # Rasa's Features._combine_sparse_features with its check and message, without bmat.
    if self.features.shape[0] != additional_features.features.shape[0]:
        raise ValueError(
            f"Cannot combine sparse features as sequence dimensions do not "
            f"match: {self.features.shape[0]} != "
            f"{additional_features.features.shape[0]}."
        )
    self.features = combine_sparse(self.features, additional_features.features)
    self._cached_fingerprint = None


def direct_call(function: Any) -> Callable[[Any], Any]:
    """A caller of ``function`` (a ``tf.function`` with a full input signature) that skips the
    per-call dispatch: its one concrete function, called with the flattened inputs."""
    import tensorflow as tf

    concrete = function.get_concrete_function()
    specs = tf.nest.flatten(concrete.structured_input_signature[0])
    captured = concrete.captured_inputs

    def call(batch_in: Any) -> Any:
        flat = tf.nest.flatten(batch_in)
        tensors = [tf.convert_to_tensor(x, dtype=s.dtype) for x, s in zip(flat, specs, strict=True)]
        return concrete._call_flat(tensors, captured)

    return call


def same_outputs(a: Any, b: Any) -> bool:
    import tensorflow as tf

    try:
        tf.nest.assert_same_structure(a, b)
    except (TypeError, ValueError):
        return False
    return all(
        np.array_equal(np.asarray(x), np.asarray(y))
        for x, y in zip(tf.nest.flatten(a), tf.nest.flatten(b), strict=True)
    )


def verified_call(function: Any, batch_in: Any) -> Callable[[Any], Any]:
    """The direct call of ``function`` if it predicts what ``function`` does on ``batch_in``,
    else ``function`` itself."""
    from keras.utils import tf_utils

    expected = tf_utils.sync_to_numpy_or_python_type(function(batch_in))
    try:
        call = direct_call(function)
        if same_outputs(tf_utils.sync_to_numpy_or_python_type(call(batch_in)), expected):
            return call
        reason = "it predicts differently"
    except Exception as e:  # any failure of the shortcut: keep the reference path
        reason = f"{type(e).__name__}: {e}"
    log.warning("direct prediction not used (%s); calling the tf.function", reason)
    return function  # type: ignore[no-any-return]


def install() -> None:
    from keras.utils import tf_utils
    from rasa.shared.nlu.training_data.features import Features
    from rasa.utils.tensorflow.models import RasaModel

    Features._combine_sparse_features = _combine_sparse_features  # type: ignore[method-assign]
    rasa_predict = RasaModel._rasa_predict

    def _rasa_predict(self: Any, batch_in: Any) -> Any:
        function = self._tf_predict_step
        if function is None or self._run_eagerly or not self.prepared_for_prediction:
            return rasa_predict(self, batch_in)  # the first call traces the function
        call = self.__dict__.get("_zhidao_call")
        if call is None:
            call = self.__dict__["_zhidao_call"] = verified_call(function, batch_in)
        self._training = False
        return _tidy(self, tf_utils.sync_to_numpy_or_python_type(call(batch_in)))

    RasaModel._rasa_predict = _rasa_predict  # type: ignore[method-assign]


def _tidy(model: Any, outputs: Any) -> Any:
    # The end of Rasa's _rasa_predict.
    from rasa.shared.constants import DIAGNOSTIC_DATA

    if DIAGNOSTIC_DATA in outputs:
        outputs[DIAGNOSTIC_DATA] = model._empty_lists_to_none_in_dict(outputs[DIAGNOSTIC_DATA])
    return outputs
