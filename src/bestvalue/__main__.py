from bestvalue.cli.app import main

main()
