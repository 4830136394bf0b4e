"""Class mode: a teacher's live session that students follow and answer (shared/API.md, "Classes")."""

from app.classes.routes import install
from app.classes.service import Classes

__all__ = ["Classes", "install"]
