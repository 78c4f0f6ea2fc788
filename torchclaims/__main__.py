from torchclaims.cli import main

raise SystemExit(main())
