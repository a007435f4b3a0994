"""``python -m salesscope`` runs the command line."""

from salesscope.cli import main

main()
