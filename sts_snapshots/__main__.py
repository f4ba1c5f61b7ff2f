"""``python -m sts_snapshots`` runs the command line interface."""

import multiprocessing

if __name__ == "__main__":
    multiprocessing.freeze_support()
    from sts_snapshots.cli import main

    main()
