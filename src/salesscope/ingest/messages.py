"""Reason codes for rejected rows and their texts in English and Persian.

Each template uses ``{name}`` placeholders. The importer fills them inside DuckDB (see
:func:`sql_text`) so that a million rejections cost one query, not a Python loop.
"""

from __future__ import annotations

from enum import StrEnum

from salesscope.schema import TABLES, Kind, Table


class Reason(StrEnum):
    """Why a row was rejected; stored as ``reason_code`` in the quarantine."""

    BAD_DATE = "bad_date"
    AMBIGUOUS_DATE = "ambiguous_date"
    BAD_JALALI_DATE = "bad_jalali_date"
    BAD_NUMBER = "bad_number"
    NEGATIVE = "negative"
    PROBABILITY_RANGE = "probability_range"
    AMBIGUOUS_PROBABILITY = "ambiguous_probability"
    MISSING_VALUE = "missing_value"
    MISSING_CLOSE_DATE = "missing_close_date"
    ORDER = "order"
    DUPLICATE_KEY = "duplicate_key"
    DANGLING_REFERENCE = "dangling_reference"
    UNKNOWN_STATUS = "unknown_status"
    UNKNOWN_PURPOSE = "unknown_purpose"
    OUTSIDE_SCOPE = "outside_scope"
    STORED_OUTSIDE_SCOPE = "stored_outside_scope"
    REFERENCE_OUTSIDE_SCOPE = "reference_outside_scope"
    CELL_ERROR = "cell_error"
    FORMULA_WITHOUT_VALUE = "formula_without_value"
    NOT_FOUND = "not_found"


REASONS: dict[Reason, tuple[str, str]] = {
    Reason.BAD_DATE: (
        "not a valid date ({expected})",
        "تاریخ معتبر نیست ({expected})",
    ),
    Reason.AMBIGUOUS_DATE: (
        "ambiguous date: day and month cannot be told apart "
        "(declare format: dayfirst or monthfirst in a mapping file)",
        "تاریخ مبهم است: روز و ماه از هم قابل تشخیص نیستند "
        "(در فایل نگاشت format: dayfirst یا monthfirst را تعیین کنید)",
    ),
    Reason.BAD_JALALI_DATE: (
        "not a valid Jalali date ({detail})",
        "تاریخ شمسی معتبر نیست ({detail_fa})",
    ),
    Reason.BAD_NUMBER: (
        "not a number (expected digits like 1250000 or 1,250,000.50)",
        "عدد نیست (نمونهٔ درست: 1250000 یا 1,250,000.50)",
    ),
    Reason.NEGATIVE: (
        "must not be negative",
        "نباید منفی باشد",
    ),
    Reason.PROBABILITY_RANGE: (
        "probability must be between 0 and 1, or between 0 and 100 in percent",
        "احتمال باید بین ۰ و ۱ یا بین ۰ و ۱۰۰ درصد باشد",
    ),
    Reason.AMBIGUOUS_PROBABILITY: (
        "ambiguous probability: other rows of this column are percentages, so this fraction may "
        "mean itself or a percent (write it as a percent, or declare scale: fraction or percent "
        "in a mapping file)",
        "احتمال مبهم است: ردیف‌های دیگر این ستون درصدند، پس این کسر ممکن است خودش یا درصد باشد "
        "(آن را به درصد بنویسید یا در فایل نگاشت scale: fraction یا percent را تعیین کنید)",
    ),
    Reason.MISSING_VALUE: (
        "a value is required",
        "مقدار این ستون الزامی است",
    ),
    Reason.MISSING_CLOSE_DATE: (
        "a {status} deal needs a close date",
        "معاملهٔ {status_fa} باید تاریخ بسته‌شدن داشته باشد",
    ),
    Reason.ORDER: (
        "is before {earlier} ('{earlier_value}')",
        "پیش از {earlier} ('{earlier_value}') است",
    ),
    Reason.DUPLICATE_KEY: (
        "duplicate {key}: first seen at {first}",
        "{key} تکراری است: نخستین بار در {first} آمده است",
    ),
    Reason.DANGLING_REFERENCE: (
        "no row in {target} has {target_key} '{value}' (stored or in this import)",
        "در جدول {target} ردیفی با {target_key} برابر '{value}' نیست (نه در انبار و نه در این ورود)",
    ),
    Reason.UNKNOWN_STATUS: (
        "unknown status (expected won, lost or open; map other spellings under values: "
        "in a mapping file)",
        "وضعیت ناشناخته است (مقدار مجاز: won، lost یا open؛ املای دیگر را در values: فایل نگاشت "
        "تعریف کنید)",
    ),
    Reason.UNKNOWN_PURPOSE: (
        "unknown purpose (expected prospecting, lead_generation, selling or other)",
        "هدف ناشناخته است (مقدار مجاز: prospecting، lead_generation، selling یا other)",
    ),
    Reason.OUTSIDE_SCOPE: (
        "the row belongs to rep '{value}', outside what you may change ({scope}); "
        "only an admin can import it",
        "این ردیف متعلق به فروشندهٔ '{value}' و خارج از محدودهٔ شما ({scope_fa}) است؛ "
        "فقط مدیر سامانه می‌تواند آن را وارد کند",
    ),
    Reason.STORED_OUTSIDE_SCOPE: (
        "{key} '{value}' is already stored for someone outside what you may change ({scope}); "
        "only an admin can change it",
        "{key} '{value}' پیش‌تر برای کسی خارج از محدودهٔ شما ({scope_fa}) ثبت شده است؛ "
        "فقط مدیر سامانه می‌تواند آن را تغییر دهد",
    ),
    Reason.REFERENCE_OUTSIDE_SCOPE: (
        "refers to {target} '{value}', which belongs to someone outside what you may change "
        "({scope})",
        "به {target} '{value}' اشاره می‌کند که متعلق به کسی خارج از محدودهٔ شما ({scope_fa}) است",
    ),
    Reason.CELL_ERROR: (
        "the cell holds the error {error}, not a value (fix the formula in the workbook)",
        "خانه به جای مقدار خطای {error} دارد (فرمول را در کارپوشه درست کنید)",
    ),
    Reason.FORMULA_WITHOUT_VALUE: (
        "the cell holds a formula without a saved value (open and save the workbook in a "
        "spreadsheet program, or paste the values)",
        "خانه فرمولی بدون مقدار ذخیره‌شده دارد (کارپوشه را در برنامهٔ صفحه‌گسترده باز و ذخیره "
        "کنید، یا مقدارها را جای‌گذاری کنید)",
    ),
    Reason.NOT_FOUND: (
        "no stored {table} row has {key} '{value}' to update (enrich only updates rows "
        "already loaded)",
        "در جدول {table} ردیفی با {key} برابر '{value}' برای به‌روزرسانی نیست (تکمیل فقط "
        "ردیف‌های بارگذاری‌شده را به‌روز می‌کند)",
    ),
}

STATUS_FA = {"won": "موفق", "lost": "ناموفق", "open": "باز"}

# Messages of a mapping check, of a file that cannot be read and of the import's warnings.
NOTES: dict[str, tuple[str, str]] = {
    "unknown_format": (
        "unknown date format {fmt!r}{hint}: expected one of {names} or a strftime pattern "
        "like %d.%m.%Y",
        "قالب تاریخ {fmt!r} ناشناخته است{hint_fa}: یکی از {names} یا الگویی مانند %d.%m.%Y",
    ),
    "format_not_pattern": (
        "{fmt!r} in a list of date formats is not a strftime pattern (like %d.%m.%Y)",
        "{fmt!r} در فهرست قالب‌های تاریخ الگوی strftime (مانند %d.%m.%Y) نیست",
    ),
    "yearless_format": (
        "the date format {fmt!r} has no year, so every date would fall in the year 1900: add "
        "the year to the format (join a year column with template: \"{{Day}} {{Year}}\" and "
        "use %Y), or give the year with year: 2024",
        "قالب تاریخ {fmt!r} سال ندارد و همهٔ تاریخ‌ها در سال ۱۹۰۰ می‌افتند: سال را به قالب "
        "بیفزایید (ستون سال را با template: \"{{Day}} {{Year}}\" بیاورید و %Y به کار ببرید) یا "
        "سال را با year: 2024 بدهید",
    ),
    "bad_name": (
        "{what} name {name!r} must be letters, digits and underscores, starting with a letter "
        "(like lead_type)",
        "نام {name!r} باید از حروف لاتین، رقم و _ باشد و با حرف آغاز شود (مانند lead_type)",
    ),
    "reserved_attribute": (
        "attribute {name!r} has the name of a built-in dimension or column: choose another "
        "name (like {name}_source)",
        "ویژگی {name!r} هم‌نام یک بُعد یا ستون داخلی است: نام دیگری برگزینید (مانند "
        "{name}_source)",
    ),
    "reserved_role": (
        "rep role {name!r} is the owner, mapped as columns.rep_id: name the other roles "
        "(like sdr)",
        "نقش {name!r} همان مالک است که در columns.rep_id نگاشته می‌شود: نقش‌های دیگر را نام "
        "ببرید (مانند sdr)",
    ),
    "same_name": (
        "{what} {name!r} and {other!r} are the same name once stored",
        "{name!r} و {other!r} پس از ذخیره یک نام می‌شوند",
    ),
    "unknown_column": (
        "unknown column {name!r} for table {table} (expected one of {valid}; free columns go "
        "under attributes:)",
        "ستون {name!r} در جدول {table} نیست (یکی از {valid}؛ ستون‌های آزاد را زیر "
        "attributes: بیاورید)",
    ),
    "row_number_not_key": (
        "row_number makes a key: use it for the table's id column, not {name!r}",
        "row_number کلید می‌سازد: آن را برای ستون شناسهٔ جدول به کار ببرید، نه {name!r}",
    ),
    "colliding_template": (
        "the key {name!r} joins columns with nothing between them ({template!r}): different "
        "rows can give the same key (1 and 23, 12 and 3); use parts: [{parts}]",
        "کلید {name!r} ستون‌ها را بی‌فاصله کنار هم می‌گذارد ({template!r}) و ردیف‌های متفاوت "
        "ممکن است یک کلید بگیرند (1 و 23، 12 و 3)؛ parts: [{parts}] را به کار ببرید",
    ),
    "not_extensible": (
        "{group} are possible on {tables}, not on {table}",
        "{group} فقط در جدول‌های {tables} ممکن است، نه در {table}",
    ),
    "enrich_needs_id": (
        "enrich updates rows by their id: table {table} has none",
        "تکمیل (enrich) ردیف‌ها را با شناسه به‌روز می‌کند و جدول {table} شناسه ندارد",
    ),
    "needs_column": (
        "table {table} needs column {column!r}: it {why}",
        "جدول {table} به ستون {column!r} نیاز دارد: {why_fa}",
    ),
    "yaml_boolean": (
        "YAML reads an unquoted {words} as {value}, not as text: put it in quotes "
        "(\"yes\": won)",
        "YAML واژه‌های بی‌گیومهٔ {words} را {value} می‌خواند، نه متن: آن را در گیومه بگذارید "
        "(\"yes\": won)",
    ),
    "no_table": (
        "the mapping feeds no table (add 'tables:')",
        "نگاشت هیچ جدولی را پر نمی‌کند ('tables:' را بیفزایید)",
    ),
    "missing_column": (
        "{file}: column {column!r} is missing; it is needed for {target}, which {why}; "
        "headers found: {headers}",
        "{file}: ستون {column!r} نیست؛ برای {target} لازم است، که {why_fa}؛ "
        "سرستون‌های موجود: {headers}",
    ),
    "missing_optional_column": (
        "{file}: column {column!r} is missing; the mapping reads it for {target} (add "
        "optional: true to import files without it); headers found: {headers}",
        "{file}: ستون {column!r} نیست؛ نگاشت آن را برای {target} می‌خواند (برای فایل‌های بدون "
        "آن optional: true بیفزایید)؛ سرستون‌های موجود: {headers}",
    ),
    "binary_file": (
        "{file} is not a text file ({kind}): export the data as CSV or XLSX",
        "{file} فایل متنی نیست ({kind_fa}): داده را به صورت CSV یا XLSX خروجی بگیرید",
    ),
    "row_problem": (
        "{file}:{row} column {column} has value '{value}': {reason}",
        "{file}:{row} ستون {column} با مقدار '{value}': {reason}",
    ),
    "no_such_file": ("{path}: no such file", "{path}: چنین فایلی نیست"),
    "unknown_file_type": (
        "{file}: unknown file type {suffix!r} (expected .csv, .tsv, .xlsx, .parquet, .json or "
        ".jsonl)",
        "{file}: نوع فایل {suffix!r} شناخته نیست (.csv، .tsv، .xlsx، .parquet، .json یا .jsonl)",
    ),
    "no_sheet": (
        "{file}: no sheet named {sheet!r} (sheets: {sheets})",
        "{file}: برگه‌ای به نام {sheet!r} نیست (برگه‌ها: {sheets})",
    ),
    "empty_workbook": ("{file}: the workbook has no data", "{file}: کارپوشه داده‌ای ندارد"),
    "which_table": (
        "{file}: cannot tell which table this file feeds: name it after a table (e.g. leads.csv), "
        "pass --table, or give a mapping (--mapping or --preset)",
        "{file}: معلوم نیست این فایل کدام جدول را پر می‌کند: نام فایل را نام یک جدول بگذارید "
        "(مانند leads.csv)، --table بدهید یا نگاشتی بدهید (--mapping یا --preset)",
    ),
    "empty_file": ("{file}: the file is empty", "{file}: فایل خالی است"),
    "json_too_deep": (
        "{file}: values are nested more than {depth} levels deep; a record holds plain values",
        "{file}: مقدارها بیش از {depth} سطح تودرتو هستند؛ هر رکورد باید مقدارهای ساده داشته باشد",
    ),
    "undecodable": (
        "{file}: the text is not in the {encoding} encoding ({detail}); give the file's "
        "encoding as source.encoding in a mapping (for example cp1256)",
        "{file}: متن فایل با کدگذاری {encoding} نیست ({detail})؛ کدگذاری فایل را در نگاشت با "
        "source.encoding بدهید (مثلاً cp1256)",
    ),
    "unreadable_csv": (
        "{file}: cannot be read as CSV ({detail})",
        "{file}: به صورت CSV خوانده نمی‌شود ({detail})",
    ),
    "unreadable_parquet": (
        "{file}: cannot be read as Parquet ({detail})",
        "{file}: به صورت Parquet خوانده نمی‌شود ({detail})",
    ),
    "unreadable_workbook": (
        "{file}: cannot be read as a workbook; it may be damaged, password-protected or "
        "another kind of file ({detail})",
        "{file}: به صورت کارپوشه خوانده نمی‌شود؛ شاید آسیب‌دیده، رمزدار یا از نوع دیگری باشد "
        "({detail})",
    ),
    "no_table_for_file": (
        "{file}: no table of the mapping reads this file (their files: {patterns})",
        "{file}: هیچ جدولی از نگاشت این فایل را نمی‌خواند (فایل‌های آن‌ها: {patterns})",
    ),
    "lookup_without_file": (
        "{target} is looked up in {pattern}, but no file of this import matches it",
        "{target} از {pattern} خوانده می‌شود، ولی هیچ فایلی از این ورود با آن جور نیست",
    ),
    "lookup_ambiguous": (
        "{target} is looked up in {pattern}, which matches several files: {files}",
        "{target} از {pattern} خوانده می‌شود که با چند فایل جور است: {files}",
    ),
    "unlinked": (
        "{file}:{row} column {column} points at {table} {value!r}, which was "
        "rejected in this import: the row is loaded without that link",
        "{file}:{row} ستون {column} به {table} {value!r} اشاره دارد که در همین "
        "ورود رد شد: ردیف بدون این پیوند بارگذاری شد",
    ),
    "open_without_start": (
        "{file}: {n} open deals have no creation date ({column!r}, rows {rows}): loaded "
        "without one, so they are left out of what counts deals by creation date (new deals "
        "per period, cycle times)",
        "{file}: {n} معاملهٔ باز تاریخ ایجاد ندارند ({column!r}، ردیف‌های {rows}): بدون آن "
        "بارگذاری شدند و در آنچه معامله‌ها را با تاریخ ایجاد می‌شمارد (معامله‌های تازهٔ هر دوره، "
        "طول چرخهٔ فروش) به حساب نمی‌آیند",
    ),
    "enrich_admin_only": (
        "{file}: only an admin can enrich table {table}",
        "{file}: فقط مدیر سامانه می‌تواند جدول {table} را تکمیل کند",
    ),
    "read_twice": (
        "{file}: several maps of table {table} read this file: give each its own files or sheet",
        "{file}: چند نگاشت جدول {table} این فایل را می‌خوانند: برای هر کدام files یا sheet "
        "جداگانه بدهید",
    ),
    "more_problems": (
        "... {n} more problems in {file}",
        "... {n} مشکل دیگر در {file}",
    ),
    "won_before_contact": (
        "{n} won deals closed before their lead was first contacted (deal, close date, lead, "
        "first contact: {cases}): both are loaded; check these dates in the CRM",
        "{n} معاملهٔ موفق پیش از نخستین تماس با سرنخ خود بسته شده‌اند (معامله، تاریخ بستن، سرنخ، "
        "نخستین تماس: {cases}): هر دو بارگذاری شدند؛ این تاریخ‌ها را در CRM بررسی کنید",
    ),
    "columns_ignored": (
        "{file}: columns ignored (not in table {table}): {columns}",
        "{file}: ستون‌های نادیده گرفته‌شده (در جدول {table} نیستند): {columns}",
    ),
    "references_unchecked": (
        "references not checked: table '{table}' is empty ({columns} kept as given)",
        "ارجاع‌ها بررسی نشد: جدول '{table}' خالی است ({columns} همان‌طور که آمده نگه داشته شد)",
    ),
}

# Why a required column is needed, for the messages about a missing one.
PURPOSES: dict[str, tuple[str, str]] = {
    "id": ("identifies each row (other tables point at it, and a re-import replaces rows by it)",
           "هر ردیف را مشخص می‌کند (جدول‌های دیگر به آن اشاره می‌کنند و ورود دوباره ردیف‌ها را با "
           "آن جایگزین می‌کند)"),
    "time": ("places each row in its period", "هر ردیف را در دوره‌اش می‌گذارد"),
    "status": ("tells won, lost and open deals apart (win rate, revenue, pipeline)",
               "معامله‌های موفق، ناموفق و باز را از هم جدا می‌کند (نرخ برد، درآمد، قیف فروش)"),
    "channel": ("says through which channel the contact went", "کانال ارتباط را مشخص می‌کند"),
    "name": ("names the rep in every result", "نام فروشنده را در نتیجه‌ها نشان می‌دهد"),
    "amount": ("is the amount the indicators add up", "مبلغی است که شاخص‌ها جمع می‌زنند"),
    "hours": ("is the time the cost indicators divide by",
              "زمانی است که شاخص‌های هزینه بر آن تقسیم می‌شوند"),
    "rep_id": ("says whose time it is", "مشخص می‌کند زمانِ کدام فروشنده است"),
    "other": ("is required by the table", "این جدول به آن نیاز دارد"),
    "when": ("chooses the rows that feed the table",
             "ردیف‌هایی را که به جدول می‌روند برمی‌گزیند"),
}


def column_purpose(table: str, column: str) -> tuple[str, str]:
    """Why a table needs a column, in English and Persian."""
    spec = TABLES[Table(table)]
    col = spec.column(column)
    if spec.has_id and column == spec.key[0]:
        return PURPOSES["id"]
    if col.kind in (Kind.TIMESTAMP, Kind.DATE):
        return PURPOSES["time"]
    for key in ("status", "channel", "name", "amount", "hours", "rep_id"):
        if column == key:
            return PURPOSES[key]
    return PURPOSES["other"]


def say(key: str, **params: object) -> tuple[str, str]:
    """A note in English and Persian, its placeholders filled."""
    en, fa = NOTES[key]
    return en.format(**params), fa.format(**params)


def sql_literal(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def sql_text(reason: Reason, lang: int, **params: str) -> str:
    """A SQL expression building the reason text; params are SQL expressions.

    >>> sql_text(Reason.NEGATIVE, 0)
    "'must not be negative'"
    """
    return sql_format(REASONS[reason][lang], **params)


def sql_format(template: str, **params: str) -> str:
    """A SQL expression filling a ``{name}`` template with SQL expressions."""
    parts: list[str] = []
    rest = template
    while "{" in rest:
        before, _, after = rest.partition("{")
        name, _, rest = after.partition("}")
        if before:
            parts.append(sql_literal(before))
        parts.append(f"coalesce(CAST({params[name]} AS VARCHAR), '')")
    if rest:
        parts.append(sql_literal(rest))
    return " || ".join(parts) if parts else "''"


def text(reason: Reason, lang: int = 0, **params: str) -> str:
    """The reason text in Python (for file-level messages and tests)."""
    return REASONS[reason][lang].format(**params)
