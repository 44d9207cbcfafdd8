"""The texts of every intake error in Kazakh, Russian and English, in one place.

Each message has a key and a template per language; an error keeps its key and parameters, so that it is
shown in the reader's language wherever it is shown (command line, job page, API). Column names and values
from the file are quoted as they are. tests/intake/test_messages.py checks that every key has all three
languages with the same parameters.
"""

from __future__ import annotations

from collections.abc import Mapping

LANGUAGES = ("kk", "ru", "en")
DEFAULT_LANGUAGE = "en"

_SAVE_UTF8 = {
    "en": "save it as CSV UTF-8",
    "ru": "сохраните его как «CSV UTF-8»",
    "kk": "оны «CSV UTF-8» ретінде сақтаңыз",
}

MESSAGES: Mapping[str, Mapping[str, str]] = {
    # Where an error is: "row 3" and how the parts are joined.
    "row": {"en": "row {row}", "ru": "строка {row}", "kk": "{row}-жол"},
    "not_imported": {
        "en": "{file} was not imported: {count} error(s).",
        "ru": "{file} не импортирован: ошибок: {count}.",
        "kk": "{file} импортталмады: қателер саны: {count}.",
    },
    "nothing_stored": {
        "en": "Nothing was stored.",
        "ru": "Ничего не сохранено.",
        "kk": "Ештеңе сақталмады.",
    },
    "more_errors": {
        "en": "... and {count} more; --skip-invalid writes them all to a file.",
        "ru": "... и ещё {count}; с --skip-invalid все они записываются в файл.",
        "kk": "... және тағы {count}; --skip-invalid барлығын файлға жазады.",
    },
    # The file as a whole.
    "no_file": {
        "en": "there is no file {path!r}",
        "ru": "файла {path!r} нет",
        "kk": "{path!r} файлы жоқ",
    },
    "bad_extension": {
        "en": "cannot read {suffix}: save it as .csv or .xlsx",
        "ru": "файлы {suffix} не читаются: сохраните его как .csv или .xlsx",
        "kk": "{suffix} файлдары оқылмайды: оны .csv немесе .xlsx ретінде сақтаңыз",
    },
    "no_extension": {
        "en": "cannot read files without an extension: save it as .csv or .xlsx",
        "ru": "файлы без расширения не читаются: сохраните его как .csv или .xlsx",
        "kk": "кеңейтімі жоқ файлдар оқылмайды: оны .csv немесе .xlsx ретінде сақтаңыз",
    },
    "not_utf8": {
        "en": "the file is not UTF-8 text (it has the byte {byte}); " + _SAVE_UTF8["en"],
        "ru": "файл не в кодировке UTF-8 (в нём есть байт {byte}); " + _SAVE_UTF8["ru"],
        "kk": "файл UTF-8 кодтауында емес (онда {byte} байты бар); " + _SAVE_UTF8["kk"],
    },
    "cp1251": {
        "en": "the file is not UTF-8 text: it looks like Windows-1251 (Cyrillic) text; " + _SAVE_UTF8["en"],
        "ru": "файл не в кодировке UTF-8: похоже, он в кодировке Windows-1251; " + _SAVE_UTF8["ru"],
        "kk": "файл UTF-8 кодтауында емес: ол Windows-1251 кодтауында сияқты; " + _SAVE_UTF8["kk"],
    },
    "truncated_utf8": {
        "en": "the file ends in the middle of a character (it was cut off); save it again as CSV UTF-8",
        "ru": "файл обрывается посреди символа (он обрезан); сохраните его заново как «CSV UTF-8»",
        "kk": "файл таңбаның ортасында үзіледі (ол қиылған); оны қайта «CSV UTF-8» ретінде сақтаңыз",
    },
    "utf16_no_mark": {
        "en": "the file looks like UTF-16 text without a byte order mark; " + _SAVE_UTF8["en"],
        "ru": "файл похож на текст UTF-16 без метки порядка байтов; " + _SAVE_UTF8["ru"],
        "kk": "файл байт реті белгісі жоқ UTF-16 мәтініне ұқсайды; " + _SAVE_UTF8["kk"],
    },
    "field_too_long": {
        "en": "the value is longer than {limit} characters, the most a value may have",
        "ru": "значение длиннее {limit} символов — больше, чем допускается",
        "kk": "мән {limit} таңбадан ұзын — рұқсат етілгеннен көп",
    },
    "cannot_read": {
        "en": "cannot read the file: {detail}",
        "ru": "файл не читается: {detail}",
        "kk": "файл оқылмайды: {detail}",
    },
    "not_xlsx": {
        "en": "cannot read the file as an Excel workbook (.xlsx): {detail}",
        "ru": "файл не читается как книга Excel (.xlsx): {detail}",
        "kk": "файл Excel кітабы (.xlsx) ретінде оқылмайды: {detail}",
    },
    "empty_file": {
        "en": "the file is empty; it needs a header row: {columns}",
        "ru": "файл пуст; нужна строка заголовка: {columns}",
        "kk": "файл бос; тақырып жолы керек: {columns}",
    },
    "too_many_rows": {
        "en": "the file has data in row {row}; at most {limit} rows are read (setting {setting})",
        "ru": "в файле есть данные в строке {row}; читается не более {limit} строк (настройка {setting})",
        "kk": "файлдың {row}-жолында деректер бар; ең көбі {limit} жол оқылады ({setting} баптауы)",
    },
    "too_many_columns": {
        "en": "the row has data in column {column}; at most {limit} columns are read (setting {setting})",
        "ru": "в строке есть данные в столбце {column}; читается не более {limit} столбцов "
        "(настройка {setting})",
        "kk": "жолдың {column} бағанында деректер бар; ең көбі {limit} баған оқылады ({setting} баптауы)",
    },
    "unclosed_quote": {
        "en": "a quote in this field is not closed where it should be (or text follows the closing "
        "quote); check the quotes",
        "ru": "кавычка в этом поле не закрыта там, где нужно (или после закрывающей кавычки есть текст); "
        "проверьте кавычки",
        "kk": "осы өрістегі тырнақша тиісті жерде жабылмаған (немесе жабатын тырнақшадан кейін мәтін "
        "бар); тырнақшаларды тексеріңіз",
    },
    # One value.
    "control_character": {
        "en": "the value has the control character {code} at character {position}; remove it (NUL bytes "
        "and other invisible control characters cannot be stored)",
        "ru": "в значении есть управляющий символ {code} (символ № {position}); удалите его (нулевые байты "
        "и другие невидимые управляющие символы не сохраняются)",
        "kk": "мәнде {code} басқару таңбасы бар ({position}-таңба); оны алып тастаңыз (NUL байттары мен "
        "басқа көрінбейтін басқару таңбалары сақталмайды)",
    },
    "missing_column": {
        "en": "required column is missing (the header has: {names})",
        "ru": "нет обязательного столбца (в заголовке есть: {names})",
        "kk": "міндетті баған жоқ (тақырыпта бар: {names})",
    },
    "missing_column_no_names": {
        "en": "required column is missing (the header has: no names)",
        "ru": "нет обязательного столбца (в заголовке нет названий)",
        "kk": "міндетті баған жоқ (тақырыпта атаулар жоқ)",
    },
    "too_many_values": {
        "en": "the row has {count} value(s) beyond the header's columns; check the separators and the quotes",
        "ru": "в строке значений сверх столбцов заголовка: {count}; проверьте разделители и кавычки",
        "kk": "жолда тақырып бағандарынан тыс мәндер бар: {count}; бөлгіштер мен тырнақшаларды тексеріңіз",
    },
    "missing_value": {
        "en": "a value is required",
        "ru": "значение обязательно",
        "kk": "мән міндетті",
    },
    "value_too_long": {
        "en": "the value has {length} characters, at most {limit} fit",
        "ru": "в значении {length} символов, допускается не более {limit}",
        "kk": "мәнде {length} таңба бар, ең көбі {limit} болады",
    },
    "bin_empty": {
        "en": "the BIN is empty; it must have 12 digits",
        "ru": "БИН пуст; в нём должно быть 12 цифр",
        "kk": "БСН бос; онда 12 цифр болуы керек",
    },
    "bin_not_digits": {
        "en": "{text!r} is not a valid BIN: it must have only digits 0-9",
        "ru": "{text!r} — неверный БИН: в нём должны быть только цифры 0-9",
        "kk": "{text!r} — жарамсыз БСН: онда тек 0-9 цифрлары болуы керек",
    },
    "bin_length": {
        "en": "{text!r} is not a valid BIN: it must have 12 digits, it has {length}",
        "ru": "{text!r} — неверный БИН: в нём должно быть 12 цифр, а в нём {length}",
        "kk": "{text!r} — жарамсыз БСН: онда 12 цифр болуы керек, ал онда {length}",
    },
    "bin_no_check_digit": {
        "en": "{text!r} is not a valid BIN: its first 11 digits admit no check digit (the sum is 10 with "
        "both weight sets)",
        "ru": "{text!r} — неверный БИН: для его первых 11 цифр нет контрольной цифры (сумма равна 10 при "
        "обоих наборах весов)",
        "kk": "{text!r} — жарамсыз БСН: оның алғашқы 11 цифрына бақылау цифры болмайды (екі салмақ "
        "жиынында да қосынды 10)",
    },
    "bin_check_digit": {
        "en": "{text!r} is not a valid BIN: the check digit (the last one) is {digit}, expected {expected}",
        "ru": "{text!r} — неверный БИН: контрольная (последняя) цифра {digit}, а должна быть {expected}",
        "kk": "{text!r} — жарамсыз БСН: бақылау (соңғы) цифры {digit}, ал {expected} болуы керек",
    },
    "unknown_region": {
        "en": "unknown region {text!r}; write a region's key or its name in Kazakh, Russian or English, "
        'for example "almaty_region", "Алматы облысы" or "Almaty region"',
        "ru": "неизвестный регион {text!r}; укажите ключ региона или его название на казахском, русском "
        "или английском, например «almaty_region», «Алматы облысы» или «Алматинская область»",
        "kk": "белгісіз өңір {text!r}; өңірдің кілтін немесе оның қазақша, орысша не ағылшынша атауын "
        "жазыңыз, мысалы «almaty_region», «Алматы облысы» немесе «Алматинская область»",
    },
    "unknown_group": {
        "en": "unknown control group {key!r}; edition {edition} has: {known}",
        "ru": "неизвестная группа контроля {key!r}; в редакции {edition} есть: {known}",
        "kk": "белгісіз бақылау тобы {key!r}; {edition} редакциясында бар: {known}",
    },
    "invalid_criterion_number": {
        "en": "{text!r} is not a criterion number (a whole number such as 12)",
        "ru": "{text!r} — не номер критерия (нужно целое число, например 12)",
        "kk": "{text!r} — критерий нөмірі емес (бүтін сан керек, мысалы 12)",
    },
    "invalid_source_group_number": {
        "en": "{text!r} is not a source group number (a whole number such as 12)",
        "ru": "{text!r} — не номер группы источников (нужно целое число, например 12)",
        "kk": "{text!r} — дереккөздер тобының нөмірі емес (бүтін сан керек, мысалы 12)",
    },
    "unknown_criterion": {
        "en": "criterion {number} is not in edition {edition} (its criteria: {first} to {last})",
        "ru": "критерия {number} нет в редакции {edition} (её критерии: с {first} по {last})",
        "kk": "{number} критерийі {edition} редакциясында жоқ (оның критерийлері: {first}–{last})",
    },
    "source_group_mismatch": {
        "en": "source group {given} contradicts criterion {number}, which stands under source group "
        "{group} in edition {edition} (leave it empty to take that one)",
        "ru": "группа источников {given} противоречит критерию {number}: в редакции {edition} он относится "
        "к группе источников {group} (оставьте поле пустым, чтобы взять её)",
        "kk": "{given} дереккөздер тобы {number} критерийіне қайшы: {edition} редакциясында ол {group} "
        "дереккөздер тобында тұр (сол топты алу үшін өрісті бос қалдырыңыз)",
    },
    "invalid_date": {
        "en": "{text!r} is not a date written as YYYY-MM-DD (e.g. 2024-03-31)",
        "ru": "{text!r} — не дата в виде ГГГГ-ММ-ДД (например, 2024-03-31)",
        "kk": "{text!r} — ЖЖЖЖ-АА-КК түрінде жазылған күн емес (мысалы, 2024-03-31)",
    },
    "future_date": {
        "en": "{text} is in the future (today is {today})",
        "ru": "{text} — дата в будущем (сегодня {today})",
        "kk": "{text} — болашақтағы күн (бүгін {today})",
    },
    "date_out_of_range": {
        "en": "{text} is not a plausible date: dates must fall in the years {first} to {last}",
        "ru": "{text} — неправдоподобная дата: год должен быть с {first} по {last}",
        "kk": "{text} — шындыққа жанаспайтын күн: жылы {first}–{last} аралығында болуы керек",
    },
    "invalid_boolean": {
        "en": "{text!r} is neither true nor false (or empty)",
        "ru": "{text!r} — ни true, ни false (и не пусто)",
        "kk": "{text!r} — true да, false да емес (бос та емес)",
    },
    "duplicate_bin": {
        "en": "BIN {bin} is already in row {first} of this file",
        "ru": "БИН {bin} уже есть в строке {first} этого файла",
        "kk": "{bin} БСН осы файлдың {first}-жолында бар",
    },
    "duplicate_evidence": {
        "en": "row {first} of this file has the same BIN, criterion, source group, date and reference",
        "ru": "в строке {first} этого файла те же БИН, критерий, группа источников, дата и ссылка",
        "kk": "осы файлдың {first}-жолында сол БСН, критерий, дереккөздер тобы, күн және сілтеме бар",
    },
    "unknown_subject": {
        "en": "no subject with BIN {bin} in the registry; import it with the subjects first",
        "ru": "в реестре нет субъекта с БИН {bin}; сначала импортируйте его в файле субъектов",
        "kk": "тізілімде {bin} БСН бар субъект жоқ; алдымен оны субъектілер файлымен импорттаңыз",
    },
    # Answers to a checklist, from a file or a form.
    "answer_unknown_item": {
        "en": "Appendix {appendix} has items 1 to {count}, not {text!r}",
        "ru": "в Приложении {appendix} пункты с 1 по {count}, а не {text!r}",
        "kk": "{appendix}-қосымшада 1–{count} тармақтар бар, {text!r} емес",
    },
    "answer_twice": {
        "en": "item {item} is answered twice (first on row {first})",
        "ru": "на пункт {item} ответ дан дважды (впервые в строке {first})",
        "kk": "{item}-тармаққа екі рет жауап берілген (алғаш рет {first}-жолда)",
    },
    "answer_unknown": {
        "en": "{text!r} is not one of {answers}",
        "ru": "{text!r} — не один из ответов: {answers}",
        "kk": "{text!r} — мына жауаптардың бірі емес: {answers}",
    },
    "comment_too_long": {
        "en": "the comment has {length} characters, at most {limit}",
        "ru": "в комментарии {length} символов, допускается не более {limit}",
        "kk": "түсініктемеде {length} таңба бар, ең көбі {limit} болады",
    },
    "no_answers": {
        "en": "there are no answers",
        "ru": "ответов нет",
        "kk": "жауаптар жоқ",
    },
    # Answer files of a checklist (JSON).
    "json_unreadable": {
        "en": "cannot read the file as JSON: {detail}",
        "ru": "файл не читается как JSON: {detail}",
        "kk": "файл JSON ретінде оқылмайды: {detail}",
    },
    "json_too_deep": {
        "en": "the JSON is nested deeper than {limit} levels; an answer file is a list of "
        '{{"item", "answer", "comment"}} objects',
        "ru": "JSON вложен глубже {limit} уровней; файл ответов — это список объектов "
        '{{"item", "answer", "comment"}}',
        "kk": "JSON {limit} деңгейден тереңірек салынған; жауаптар файлы — "
        '{{"item", "answer", "comment"}} объектілерінің тізімі',
    },
    "json_not_list": {
        "en": 'a JSON answer file is a list of {{"item", "answer", "comment"}} objects',
        "ru": 'JSON-файл ответов — это список объектов {{"item", "answer", "comment"}}',
        "kk": 'JSON жауаптар файлы — {{"item", "answer", "comment"}} объектілерінің тізімі',
    },
    "json_bad_entry": {
        "en": 'each answer is an object with the keys "item", "answer" and "comment"',
        "ru": 'каждый ответ — объект с ключами "item", "answer" и "comment"',
        "kk": 'әр жауап — "item", "answer" және "comment" кілттері бар объект',
    },
    "json_not_text": {
        "en": "the value must be text (or a whole number for the item), not {found}",
        "ru": "значение должно быть текстом (или целым числом для item), а не {found}",
        "kk": "мән мәтін (item үшін бүтін сан) болуы керек, {found} емес",
    },
}


def language_or_default(language: str | None) -> str:
    return language if language in LANGUAGES else DEFAULT_LANGUAGE


def render(key: str, language: str | None = None, /, **params: object) -> str:
    """The message `key` in `language` (English when it is not one of kk, ru, en), filled in."""
    return MESSAGES[key][language_or_default(language)].format(**params)


def language_from_locale(value: str | None) -> str:
    """kk, ru or en from a locale name such as `ru_RU.UTF-8` (LANG); English for any other."""
    code = (value or "").split(".")[0].split("_")[0].lower()
    return code if code in LANGUAGES else DEFAULT_LANGUAGE
