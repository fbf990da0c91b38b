"""Every action of the bot, instantiated with the app's services, in one rasa-sdk executor."""

from __future__ import annotations

from rasa_sdk.executor import ActionExecutor

from actions import booking, core, guide, waiver
from actions.services import Services

ACTIONS = (
    guide.ActionFindGuide,
    guide.ActionAnswerAspect,
    guide.ActionGuideOrFallback,
    core.ActionHandoff,
    core.ActionRateService,
    core.ActionDefaultAskAffirmation,
    waiver.ValidateWaiverForm,
    waiver.ActionCheckWaiver,
    booking.ValidateAppointmentForm,
    booking.ActionAskHall,
    booking.ActionAskDate,
    booking.ActionAskSlot,
    booking.ActionBook,
    booking.ActionCancelAppointment,
    booking.ActionMyAppointments,
    guide.ActionNearestHalls,
    guide.ActionQueueStatus,
)


def build_executor(services: Services) -> ActionExecutor:
    executor = ActionExecutor()
    for action in ACTIONS:
        executor.register_action(action(services))
    return executor
