"""Generates the demo organisation's exports under sample_data/generated/, byte for byte the same every run.

Real public billing exports hold no GPU or ML rows, so the demo organisation ("Juniper Labs", invented) is
generated: four teams, four models with training runs, fine-tunes and months of serving (April to
October 2026) on AWS, Azure, GCP and an on-prem GPU server, written in each provider's own export schema
(AWS legacy CUR and CUR 2.0, Azure EA and MCA cost details, Microsoft's FOCUS 1.0 export, the GCP BigQuery
standard and detailed exports), plus GPU telemetry, request counts and reference inputs.

Everything comes from one seeded random generator and fixed dates; gzip members carry no timestamp or
file name. Run `python scripts/generate_sample_data.py [--out DIR]` (default sample_data/generated);
tests regenerate into a temporary folder and compare bytes. This file is the command line; the generator
is the sample_gen package beside it, one module per export family.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:  # loaded by path (as the tests do) rather than run as a script
    sys.path.insert(0, _HERE)

from sample_gen import DEFAULT_OUT, generate  # noqa: E402

__all__ = ["DEFAULT_OUT", "generate", "main"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help="folder to (re)write (default: sample_data/generated)"
    )
    args = parser.parse_args(argv)
    written = generate(args.out)
    total = sum((args.out / rel).stat().st_size for rel in written)
    for rel in written:
        print(f"{(args.out / rel).stat().st_size:>10,}  {rel}")
    print(f"{total:>10,}  bytes in {len(written)} files under {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
