from blog.images import ProcessedImage
from blog.services import image_replaced
from users.models import Profile


def profile_update(
    *, profile: Profile, account: dict, bio: str, avatar: ProcessedImage | None, remove_avatar=False
) -> Profile:
    """Saves account fields, bio and avatar together; a replaced avatar's objects go after commit."""
    user = profile.user
    for field, value in account.items():
        setattr(user, field, value)
    profile.bio = bio
    with image_replaced(profile, "avatar", avatar, folder="users", remove=remove_avatar):
        user.save()
        profile.save()
    return profile
