"""Imports every table so that SQLModel's metadata is complete (for Alembic and tests)."""

from assistant import audit  # noqa: F401
from assistant.auth import models as auth_models  # noqa: F401
from assistant.booking import models as booking_models  # noqa: F401
from assistant.conversation import models as conversation_models  # noqa: F401
from assistant.kb import models as kb_models  # noqa: F401
from assistant.nlu import models as nlu_models  # noqa: F401
from assistant.waiver import models as waiver_models  # noqa: F401
from channels.wechat import models as wechat_models  # noqa: F401
