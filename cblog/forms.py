"""How every form renders: invalid fields marked, the others left alone (django-bootstrap5)."""

from django_bootstrap5.renderers import FieldRenderer


class ErrorsOnlyFieldRenderer(FieldRenderer):
    """Marks a field only when it has an error: a ✓ on a field the person did not get wrong
    (an emptied password box included) says nothing and draws the eye away from the problem."""

    def get_server_side_validation_classes(self):
        return "is-invalid" if self.field_errors else ""
