{% if VE_EDU_VAULT_LOAD_DEMO_DATA -%}
# ve-edu-vault demo course: the OLX export shipped in the package, imported into the modulestore as
# Tutor's own `importdemocourse` imports Open edX's (`./manage.py cms import <data dir> <course dir>`,
# cms/djangoapps/contentstore/management/commands/import.py). Importing again replaces it with the same content.
echo "ve-edu-vault: importing the demo course"
vault_demo_course="$(python -c 'import importlib.resources as r; print(r.files("ve_edu_vault") / "demo_course")')"
python ./manage.py cms import ../data "$vault_demo_course"
{%- else -%}
echo "ve-edu-vault: nothing to do in Studio (VE_EDU_VAULT_LOAD_DEMO_DATA is off)"
{%- endif %}
