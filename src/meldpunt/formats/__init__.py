"""Django format modules (``FORMAT_MODULE_PATH``): English reads British ("5 January 2027",
24-hour clock, week from Monday); Dutch keeps Django's own ("5 januari 2027", "€ 1.234,50")."""
