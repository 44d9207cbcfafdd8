"""The words of the printed semi-annual list in Kazakh (the official text) and Russian (a translation)."""

from __future__ import annotations

from collections.abc import Mapping

from tekseru.planning.model import ExclusionReason

MONTH_NAMES: Mapping[str, tuple[str, ...]] = {
    "kk": (
        "қаңтар",
        "ақпан",
        "наурыз",
        "сәуір",
        "мамыр",
        "маусым",
        "шілде",
        "тамыз",
        "қыркүйек",
        "қазан",
        "қараша",
        "желтоқсан",
    ),
    "ru": (
        "январь",
        "февраль",
        "март",
        "апрель",
        "май",
        "июнь",
        "июль",
        "август",
        "сентябрь",
        "октябрь",
        "ноябрь",
        "декабрь",
    ),
}

RISK_CLASS_NAMES: Mapping[str, Mapping[str, str]] = {
    "kk": {"high": "жоғары", "medium": "орташа", "low": "төмен"},
    "ru": {"high": "высокая", "medium": "средняя", "low": "низкая"},
}

REASON_LABELS: Mapping[str, Mapping[ExclusionReason, str]] = {
    "kk": {
        ExclusionReason.NOT_HIGH_RISK_BY_OBJECTIVE_CRITERIA: (
            "Объективті өлшемшарттар бойынша жоғары тәуекел дәрежесіне жатқызылмаған"
        ),
        ExclusionReason.CLASS_NOT_CANDIDATE: (
            "Тәуекел дәрежесі бару арқылы профилактикалық бақылауға жатпайды"
        ),
        ExclusionReason.VISITED_WITHIN_FREQUENCY_LIMIT: "Соңғы бару кезеңділік шегінің ішінде",
        ExclusionReason.VIOLATIONS_ELIMINATED_IN_FULL: (
            "Алдыңғы бару арқылы профилактикалық бақылау анықтаған бұзушылықтар толық көлемде жойылған"
        ),
        ExclusionReason.COVERED_BY_OTHER_GROUP: "Сол субъектінің басқа тобы бойынша тізімде",
    },
    "ru": {
        ExclusionReason.NOT_HIGH_RISK_BY_OBJECTIVE_CRITERIA: (
            "Не отнесён к высокой степени риска по объективным критериям"
        ),
        ExclusionReason.CLASS_NOT_CANDIDATE: (
            "Степень риска не подлежит профилактическому контролю с посещением"
        ),
        ExclusionReason.VISITED_WITHIN_FREQUENCY_LIMIT: (
            "Последнее посещение в пределах ограничения периодичности"
        ),
        ExclusionReason.VIOLATIONS_ELIMINATED_IN_FULL: (
            "Нарушения, выявленные предыдущим профилактическим контролем с посещением, "
            "устранены в полном объёме"
        ),
        ExclusionReason.COVERED_BY_OTHER_GROUP: "Включён в список по другой группе того же субъекта",
    },
}

WORDS: Mapping[str, Mapping[str, str]] = {
    "kk": {
        "title": "Бару арқылы профилактикалық бақылау жүргізудің жартыжылдық тізімі",
        "state_body": "Мемлекеттік орган",
        "period": "Кезең",
        "half_year": "{year} жылғы {ordinal} жартыжылдық",
        "ordinals": "бірінші|екінші",
        "number": "Тізім № {number}",
        "status": "Мәртебесі: {status}",
        "approved": "Бекітілді: {by}, {on}",
        "not_approved": "Бекітілмеген (жоба)",
        "included": "Тізімге енгізілген бақылау субъектілері",
        "overflow": "Өңір мүмкіндігінен тыс субъектілер (резерв, бару жоспарланбаған)",
        "excluded": "Тізімге енгізілмеген субъектілер және себептері",
        "none": "Жоқ",
        "rank": "Р/с №",
        "region": "Өңір",
        "name": "Бақылау субъектісінің атауы",
        "bin": "БСН",
        "address": "Мекенжайы",
        "groups": "Бақылау субъектілерінің тобы",
        "score": "Тәуекел дәрежесінің көрсеткіші",
        "class": "Тәуекел дәрежесі",
        "reasons": "Негізгі себептер (өлшемшарт нөмірлері, 1-қосымша)",
        "annex": "1-қосымша. Тізімде аталған өлшемшарттар",
        "criterion_number": "Өлшемшарт №",
        "criterion": "Өлшемшарт",
        "sheet_included": "Тізім",
        "sheet_overflow": "Мүмкіндіктен тыс",
        "sheet_excluded": "Енгізілмегендер",
        "sheet_annex": "1-қосымша",
        "page": "Бет {page} / {total}",
        "approve": "БЕКІТЕМІН",
        "position": "(лауазымы, тегі, аты-жөні)",
        "signature": "______________ (қолы)",
        "blank_date": "«___» ______________ 20___ ж.",
        "month": "Жоспарланған айы",
        "group": "Топ",
        "reason": "Себебі",
    },
    "ru": {
        "title": "Полугодовой список проведения профилактического контроля с посещением",
        "state_body": "Государственный орган",
        "period": "Период",
        "half_year": "{ordinal} полугодие {year} года",
        "ordinals": "первое|второе",
        "number": "Список № {number}",
        "status": "Статус: {status}",
        "approved": "Утверждён: {by}, {on}",
        "not_approved": "Не утверждён (проект)",
        "included": "Субъекты контроля, включённые в список",
        "overflow": "Субъекты сверх возможностей региона (резерв, посещение не запланировано)",
        "excluded": "Субъекты, не включённые в список, и причины",
        "none": "Нет",
        "rank": "№ п/п",
        "region": "Регион",
        "name": "Наименование субъекта контроля",
        "bin": "БИН",
        "address": "Адрес",
        "groups": "Группа субъектов контроля",
        "score": "Показатель степени риска",
        "class": "Степень риска",
        "reasons": "Основные причины (номера критериев, приложение 1)",
        "annex": "Приложение 1. Критерии, указанные в списке",
        "criterion_number": "№ критерия",
        "criterion": "Критерий",
        "sheet_included": "Список",
        "sheet_overflow": "Сверх возможностей",
        "sheet_excluded": "Не включённые",
        "sheet_annex": "Приложение 1",
        "page": "Страница {page} из {total}",
        "approve": "УТВЕРЖДАЮ",
        "position": "(должность, фамилия, инициалы)",
        "signature": "______________ (подпись)",
        "blank_date": "«___» ______________ 20___ г.",
        "month": "Планируемый месяц",
        "group": "Группа",
        "reason": "Причина",
    },
}

UNOFFICIAL_TRANSLATION_NOTICE = (
    "Перевод на русский язык является неофициальным; официальный текст списка — на казахском языке."
)


STATUS_NAMES: Mapping[str, Mapping[str, str]] = {
    "kk": {"draft": "жоба", "approved": "бекітілген", "published": "жарияланған"},
    "ru": {"draft": "проект", "approved": "утверждён", "published": "опубликован"},
}
