"""Upload: drop billing exports, telemetry logs and reference files; preview; load; see each file's result.

Every file is detected and previewed before anything is written. Loading is one atomic batch per file
(a bad file leaves the database exactly as it was; the same bytes twice are reported as a duplicate),
then the estimates and aggregates are refreshed once. The browser hands the file to the server, which
keeps it in memory once; from there it is streamed to a temporary file in 1 MiB chunks for DuckDB to
read, never copied again in memory.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import components, data
from footprint import units

st.title("Upload")
limit_mb = int(st.get_option("server.maxUploadSize"))
st.markdown(
    "Drop one or more files: **billing exports** (AWS CUR / CUR 2.0, FOCUS, Azure, GCP; CSV, CSV.GZ, "
    "Parquet, JSON), **telemetry** (nvidia-smi, DCGM exporter, CodeCarbon `emissions.csv`, inference "
    "request counts) or **reference inputs** (contractual instruments, residual-mix factors, hourly grid "
    "factors, PUE overrides, telemetry mappings, and attribution rules as a `.toml` file). The format is "
    "detected from each file's header; nothing is loaded until you confirm."
)
st.caption(
    f"Largest file accepted: {limit_mb:,} MB per file (`server.maxUploadSize` in .streamlit/config.toml). "
    "Larger exports load from the command line: `footprint ingest FILE`."
)

generation = st.session_state.setdefault("upload_generation", 0)
uploads = st.file_uploader(
    "Billing, telemetry or reference files",
    accept_multiple_files=True,
    key=f"uploader-{generation}",
    help="Several files at once; the same file loaded twice is recognised and skipped.",
)

with st.expander("Attribution for telemetry files that do not say whose work they measured"):
    st.caption("Applied only where a file's own labels are missing; recorded with the batch.")
    cols = st.columns(5)
    options = {
        name: cols[i].text_input(name.capitalize(), key=f"upload-opt-{name}").strip()
        for i, name in enumerate(("team", "model", "workload", "job", "host"))
    }
    options["currency"] = (
        st.text_input(
            "Invoice currency for FOCUS files without a BillingCurrency column (e.g. USD)",
            key="upload-opt-currency",
        )
        .strip()
        .upper()
    )
    options = {k: v for k, v in options.items() if v}


def _preview(upload, format_id: str | None) -> dict:  # type: ignore[no-untyped-def]
    cache = st.session_state.setdefault("upload_previews", {})
    cache_key = (upload.file_id, format_id)
    if cache_key not in cache:
        cache[cache_key] = data.preview(upload, upload.name, format_id)
    return cache[cache_key]


formats = data.formats()
ready = []
detected: dict[str, str] = {}  # file name -> the format its preview found, for the result table
for upload in uploads or []:
    chosen = st.session_state.get(f"format-{upload.file_id}") or None
    info = _preview(upload, chosen)
    with st.container(border=True):
        if info.get("error"):
            st.error(info["error"])
        else:
            ready.append((upload, chosen))
            detected[upload.name] = info["format_label"]
            st.markdown(
                f"**{upload.name}**: {info['format_label']} ({info['kind']}), "
                f"{units.data_size(info['size_bytes'])}"
                + (f", {info['compression']}" if info.get("compression") else "")
            )
            columns = info.get("columns") or []
            st.caption(
                f"{len(columns)} columns: " + ", ".join(columns[:15]) + (" ..." if len(columns) > 15 else "")
            )
            if info.get("sample_lines"):
                st.code("\n".join(info["sample_lines"]), language=None, wrap_lines=False)
        if data.is_rules_file(upload.name):
            continue
        st.selectbox(
            "Read as",
            [None, *formats],
            key=f"format-{upload.file_id}",
            format_func=lambda v: "detect from the header" if v is None else formats[v],
            help="Override detection when a file is not recognised or recognised as the wrong format.",
        )

if uploads:
    skipped = len(uploads) - len(ready)
    label = f"Load {len(ready)} file{'s' if len(ready) != 1 else ''}"
    if skipped:
        st.warning(
            f"{skipped} file{'s' if skipped != 1 else ''} cannot be loaded (see above) and will be left out."
        )
    if st.button(label, type="primary", disabled=not ready):
        bar = st.progress(0.0, text="Starting")
        results, refresh_error = data.ingest_uploads(
            [(u.name, u, format_id) for u, format_id in ready],
            options,
            progress=lambda text, done: bar.progress(min(done, 1.0), text=text),
        )
        st.session_state["upload_results"] = ([r.as_dict() for r in results], refresh_error, detected)
        st.session_state["upload_previews"] = {}
        st.session_state["upload_generation"] = generation + 1  # empties the uploader, freeing the files
        st.rerun()


def _result_rows(results: list[dict], detected: dict[str, str]) -> pd.DataFrame:
    """One row per file; an error's full message is shown above the table, not repeated in it."""
    rows = []
    for r in results:
        skipped = sum(r["skipped"].values())
        if r["status"] == "loaded" and r["batch_id"] is None:
            outcome = "now the attribution rules in force; every row re-attributed"
        elif r["status"] == "loaded":
            outcome = f"loaded as batch {r['batch_id']}"
        elif r["status"] == "duplicate":
            outcome = f"already loaded as batch {r['duplicate_of']}: nothing changed"
        else:
            outcome = "not loaded: see the message above"
        rows.append(
            {
                "file": r["file_name"],
                "result": outcome,
                "format": r.get("format_label") or detected.get(r["file_name"]) or r.get("format_id"),
                "rows read": r["rows_read"],
                "rows loaded": r["rows_loaded"],
                "rows skipped": skipped,
                "skipped because": "; ".join(f"{k}: {v:,}" for k, v in sorted(r["skipped"].items())) or None,
                "warnings": "; ".join(r.get("warnings") or []) or None,
            }
        )
    return pd.DataFrame(rows)


if "upload_results" in st.session_state:
    results, refresh_error, detected = st.session_state["upload_results"]
    st.subheader("Result per file")
    loaded = sum(r["status"] == "loaded" for r in results)
    errors = [r for r in results if r["status"] == "error"]
    for r in errors:
        st.error(r["error"])
    if refresh_error:
        st.error(refresh_error)
    elif loaded:
        st.success(f"{loaded} file{'s' if loaded != 1 else ''} loaded; every page now includes the new data.")
        st.page_link("views/overview.py", label="See the Overview", icon=":material/dashboard:")
    components.table(
        _result_rows(results, detected),
        name="upload-results",
        column_config={
            "file": st.column_config.TextColumn("File", pinned=True),
            "result": st.column_config.TextColumn("Result", width="medium"),
            "format": st.column_config.TextColumn("Format"),
            "rows read": components.number_column("Rows read", 0),  # 1,000, not 1000
            "rows loaded": components.number_column("Rows loaded", 0),  # 1,000, not 1000
            "rows skipped": components.number_column("Rows skipped", 0),  # 1,000, not 1000
            "skipped because": st.column_config.TextColumn("Skipped because", width="medium"),
            "warnings": st.column_config.TextColumn("Warnings", width="medium"),
        },
    )
