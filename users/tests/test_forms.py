"""Account forms: an error summary at the top, and marks only on the fields in error."""


def test_a_password_form_marks_no_field_the_person_did_not_get_wrong(client, db):
    response = client.post(
        "/users/register/",
        {"username": "newcomer", "email": "bad", "password1": "x", "password2": "y"},
    )

    assert "is-valid" not in response.text
    assert 'href="#id_email"' in response.text


def test_the_profile_summary_lists_errors_of_both_its_forms(client, user):
    client.force_login(user)

    response = client.post("/users/profile/", {"bio": "x" * 5000, "email": "not-an-email"})

    summary = response.text.split('id="error-summary"')[1].split("</div>")[0]
    assert 'href="#id_email"' in summary
    assert 'href="#id_bio"' in summary
