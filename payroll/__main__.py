from payroll.cli import main

main()
