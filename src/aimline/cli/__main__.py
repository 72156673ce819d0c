from aimline.cli import main

main()
