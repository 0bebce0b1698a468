"""``python -m meldpunt.deploy``: print the folder that holds the systemd units."""

from meldpunt.deploy import FOLDER

print(FOLDER)
