"""The one page kit: shared frame, stylesheet, formats, navigation, error pages and offline API docs."""
from shared.web.kit import install_web, page_templates

__all__ = ["install_web", "page_templates"]
