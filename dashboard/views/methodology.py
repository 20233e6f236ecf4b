"""Methodology & data quality."""

from __future__ import annotations

import streamlit as st

st.title("Methodology & data quality")
