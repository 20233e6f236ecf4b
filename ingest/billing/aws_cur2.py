"""AWS CUR 2.0 (Data Exports): the legacy CUR's columns in snake_case plus four map columns.

CUR 2.0 keeps a fixed set of static columns (line_item_*, bill_*, pricing_*, reservation_*,
savings_plan_*, product_instance_type, product_region_code, ...) and moves everything else into maps:
`product` (every other product attribute, e.g. product['vcpu'], product['memory'], product['gpu'],
product['product_name']), `resource_tags` (activated cost-allocation tags), `cost_category` and
`discount`. CSV exports serialise the maps as JSON text, Parquet exports store them as MAP columns (read
here as JSON text too, see `parquet_text_relation`). Snake_case alone does not make a file CUR 2.0 (the
legacy CUR's Athena/Parquet form is snake_case too), so detection needs a column only CUR 2.0 has: one of
the maps, bill_payer_account_name or line_item_usage_account_name.

Everything else (money, charge categories, usage, instance derivation) is the legacy CUR mapping.
"""

from __future__ import annotations

from ingest.billing.aws_cur import CurColumns, CurReader, has_cur2_columns, is_snake_cur
from ingest.billing.base import lit, q
from ingest.registry import LoadContext, register

# Product attributes that CUR 2.0 keeps in the `product` map (when no static column of that name exists).
PRODUCT_KEYS = ("product_name", "region", "vcpu", "memory", "gpu", "capacitystatus")
_KEY_OF_FIELD = {"product_name": "product_name", "region": "region", "vcpu": "vcpu", "memory": "memory",
                 "gpu": "gpu", "capacity_status": "capacitystatus"}


def json_object_or_fail(expr: str, column: str) -> str:
    """The text as a JSON object (NULL when blank or empty); anything else fails the file at its row."""
    return (
        f"CASE WHEN fp_blank({expr}) IS NULL THEN NULL "
        f"WHEN json_valid({expr}) AND json_type({expr}) = 'OBJECT' THEN nullif(CAST(json({expr}) AS VARCHAR), '{{}}') "
        f"ELSE fp_fail(source_row, {lit(column)}, {lit(column + ' is not a JSON object: ')} || left({expr}, 60)) END"
    )


class Cur2Reader(CurReader):
    snake = True
    variant = "CUR 2.0 (Data Exports)"

    def is_mine(self, header: list[str]) -> bool:
        return is_snake_cur(header) and has_cur2_columns(header)

    def _map_column(self, header: list[str], name: str) -> str | None:
        return next((c for c in header if c.strip().lower() == name), None)

    def prepare(self, ctx: LoadContext, cols: CurColumns) -> str:
        product = self._map_column(ctx.header, "product")
        if product is None:
            return ""
        paths = "[" + ", ".join(lit(f"$.{k}") for k in PRODUCT_KEYS) + "]"
        parsed = json_object_or_fail(q(product), product)
        return f",\n                 json_extract_string({parsed}, {paths}) AS _product"

    def product_attr(self, cols: CurColumns, field: str, *, trimmed: bool = True) -> str:
        if cols.has(field):  # a static column (e.g. a selected product_vcpu) wins over the map
            return f"fp_blank({cols.ref(field)})" if trimmed else cols.ref(field)
        if self._map_column(cols.header, "product") is None or field not in _KEY_OF_FIELD:
            return "NULL"
        return f"fp_blank(_product[{PRODUCT_KEYS.index(_KEY_OF_FIELD[field]) + 1}])"

    def attr_column(self, cols: CurColumns, field: str) -> str:
        if cols.has(field):
            return cols.spelled(field)
        return self._map_column(cols.header, "product") or cols.spelled(field)

    def tags(self, ctx: LoadContext, cols: CurColumns) -> str:
        column = self._map_column(ctx.header, "resource_tags")
        return json_object_or_fail(q(column), column) if column else "NULL"

    def extra_details(self, ctx: LoadContext, cols: CurColumns) -> list[tuple[str, str]]:
        out = []
        for name in ("cost_category", "discount"):
            column = self._map_column(ctx.header, name)
            if column:
                out.append((name, json_object_or_fail(q(column), column)))
        return out


register(Cur2Reader("aws-cur2", "AWS CUR 2.0"))
