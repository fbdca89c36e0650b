# ve-edu-vault start-up work, safe to re-run: MongoDB indexes when that storage backend is used,
# demo data when VE_EDU_VAULT_LOAD_DEMO_DATA is on. Migrations were run by Tutor's LMS init task.
echo "ve-edu-vault: initialising (storage backend: {{ VE_EDU_VAULT_STORAGE_BACKEND }})"
./manage.py lms vault_init{% if VE_EDU_VAULT_LOAD_DEMO_DATA %} --demo{% endif %}
