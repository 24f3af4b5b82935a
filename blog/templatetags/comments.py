from django import template

register = template.Library()


@register.filter
def deletable_by(comment, user):
    return comment.can_delete(user)
