# ve-edu-vault start-up work, safe to re-run: MongoDB indexes when that storage backend is used,
# demo data when VE_EDU_VAULT_LOAD_DEMO_DATA is on. Migrations were run by Tutor's LMS init task.
echo "ve-edu-vault: initialising (storage backend: {{ VE_EDU_VAULT_STORAGE_BACKEND }})"
{%- if VE_EDU_VAULT_OUTLINE_SOURCE == "blocks_api" %}
# The Course Blocks API outline source signs in with OAuth2 client credentials; its application's user must
# be global staff to read all blocks. Both commands are safe to re-run: manage_user updates the user
# (common/djangoapps/student/management/commands/manage_user.py) and --update the application
# (openedx/core/djangoapps/oauth_dispatch/management/commands/create_dot_application.py).
./manage.py lms manage_user {{ VE_EDU_VAULT_BLOCKS_API_USERNAME }} {{ VE_EDU_VAULT_BLOCKS_API_USERNAME }}@openedx --staff --unusable-password
./manage.py lms create_dot_application \
    --grant-type client-credentials \
    --client-id {{ VE_EDU_VAULT_BLOCKS_API_CLIENT_ID }} \
    --client-secret {{ VE_EDU_VAULT_BLOCKS_API_CLIENT_SECRET }} \
    --update \
    ve-edu-vault-blocks-api {{ VE_EDU_VAULT_BLOCKS_API_USERNAME }}
{%- endif %}
./manage.py lms vault_init{% if VE_EDU_VAULT_LOAD_DEMO_DATA %} --demo{% endif %}
