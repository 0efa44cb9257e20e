//! Per-detector tables: each case is a text, the category expected (or not),
//! and the exact text the finding must cover. Synthetic data only.

use super::*;

fn found(text: &str) -> Vec<(Category, String, Reason)> {
    scan_chunk(text, Part::Body)
        .findings
        .into_iter()
        .map(|f| (f.category, text[f.start..f.end].to_string(), f.reason))
        .collect()
}

fn has(text: &str, cat: Category, want: &str) -> bool {
    found(text).iter().any(|(c, s, _)| *c == cat && s == want)
}

fn none_of(text: &str, cat: Category) -> bool {
    found(text).iter().all(|(c, _, _)| *c != cat)
}

#[track_caller]
fn check(cases: &[(&str, Category, Option<&str>)]) {
    for (text, cat, want) in cases {
        match want {
            Some(w) => assert!(
                has(text, *cat, w),
                "{text:?}: expected {cat} {w:?}, got {:?}",
                found(text)
            ),
            None => assert!(
                none_of(text, *cat),
                "{text:?}: expected no {cat}, got {:?}",
                found(text)
            ),
        }
    }
}

#[test]
fn ssn() {
    check(&[
        ("SSN: 215-53-8841", Category::Ssn, Some("215-53-8841")),
        (
            "his ss# 215538841 on file",
            Category::Ssn,
            Some("215538841"),
        ),
        ("ref 215-53-8841", Category::Ssn, Some("215-53-8841")),
        ("SSN 000-12-3456", Category::Ssn, None),
        ("SSN 666-12-3456", Category::Ssn, None),
        ("SSN 912-12-3456", Category::Ssn, None),
        ("SSN 123-00-4567", Category::Ssn, None),
        ("SSN 123-45-0000", Category::Ssn, None),
        ("order 123456789 shipped", Category::Ssn, None),
    ]);
}

#[test]
fn phone_and_fax() {
    check(&[
        (
            "call (617) 555-0123 today",
            Category::Phone,
            Some("(617) 555-0123"),
        ),
        ("cell 617-555-0123", Category::Phone, Some("617-555-0123")),
        ("Fax: 617.555.0199", Category::Fax, Some("617.555.0199")),
        ("f: (617) 555-0199", Category::Fax, Some("(617) 555-0199")),
        (
            "call 1-800-555-0199 x204",
            Category::Phone,
            Some("1-800-555-0199 x204"),
        ),
        ("call 017-555-0123", Category::Phone, None),
        ("Fax: 617.555.0199", Category::Phone, None),
    ]);
}

#[test]
fn dates_in_all_formats() {
    check(&[
        ("DOB: 03/04/1961", Category::Date, Some("03/04/1961")),
        ("dob 3-4-61", Category::Date, Some("3-4-61")),
        (
            "born March 4th 1961",
            Category::Date,
            Some("March 4th 1961"),
        ),
        ("born on 4 Mar 1961", Category::Date, Some("4 Mar 1961")),
        ("admitted 1961-03-04", Category::Date, Some("1961-03-04")),
        (
            "seen on Jan. 12, 2024",
            Category::Date,
            Some("Jan. 12, 2024"),
        ),
        ("version 13/45/2020", Category::Date, None),
        ("ratio 3/4", Category::Date, None),
        ("on 02/30/2021", Category::Date, None),
        // A run of capitalised words must not swallow the month.
        (
            "Effective July 1, 2024: new codes",
            Category::Date,
            Some("July 1, 2024"),
        ),
        ("on Saturday, March 9, at", Category::Date, Some("March 9")),
        // Month and day alone: only where a date is expected.
        ("Join us Friday 5/24 at 4:30", Category::Date, Some("5/24")),
        ("family meeting held 2/8", Category::Date, Some("2/8")),
        ("DOB: 3/4", Category::Date, Some("3/4")),
        ("take 1/2 tablet", Category::Date, None),
        ("open 24/7", Category::Date, None),
        ("scored 3/5 on the quiz", Category::Date, None),
        ("on 13/5", Category::Date, None),
    ]);
    let f = found("DOB: 03/04/1961");
    assert_eq!(f[0].2, Reason::DateOfBirth);
    let f = found("Discharge date: 03/09/2024");
    assert!(
        f.iter().any(|(_, _, r)| *r == Reason::DateOfDischarge),
        "{f:?}"
    );
}

#[test]
fn date_next_to_a_name_reads_as_birth_date() {
    let f = found("Maria Lopez 03/04/1961");
    assert!(
        f.iter()
            .any(|(c, _, r)| *c == Category::Date && *r == Reason::DateNextToName),
        "{f:?}"
    );
}

#[test]
fn ages_over_89_only() {
    check(&[
        ("a 93-year-old woman", Category::Age, Some("93-year-old")),
        ("pt is 91 y/o", Category::Age, Some("91 y/o")),
        ("aged 102", Category::Age, Some("aged 102")),
        ("a 45-year-old man", Category::Age, None),
        ("90 days net", Category::Age, None),
    ]);
}

#[test]
fn addresses_and_zips() {
    check(&[
        (
            "lives at 1200 West Elm Street, Apt 4B",
            Category::Address,
            Some("1200 West Elm Street, Apt 4B"),
        ),
        ("PO Box 4410", Category::Address, Some("PO Box 4410")),
        (
            "Springfield, IL 62704",
            Category::Address,
            Some("Springfield, IL"),
        ),
        ("Cambridge, MA 02139", Category::Zip, Some("02139")),
        ("ZIP: 90210", Category::Zip, Some("90210")),
        ("see you John, OK?", Category::Address, None),
        // A master's degree after a name, not Mississippi.
        (
            "Biostatistician (Wei Zhang, MS) - 15%",
            Category::Address,
            None,
        ),
        ("Jackson, MS 39201", Category::Address, Some("Jackson, MS")),
        ("we shipped 12345 units", Category::Zip, None),
    ]);
}

#[test]
fn email_url_ip() {
    check(&[
        (
            "write to maria.lopez@example.org.",
            Category::Email,
            Some("maria.lopez@example.org"),
        ),
        (
            "portal: https://portal.example.org/chart?id=88.",
            Category::Url,
            Some("https://portal.example.org/chart?id=88"),
        ),
        (
            "from host 10.20.30.40 at",
            Category::Ip,
            Some("10.20.30.40"),
        ),
        ("running version 1.2.3.4", Category::Ip, None),
        ("bad 300.1.1.1", Category::Ip, None),
    ]);
}

#[test]
fn labelled_medical_ids() {
    check(&[
        ("MRN: 00482913", Category::Mrn, Some("00482913")),
        ("MR# 4829133", Category::Mrn, Some("4829133")),
        ("Chart No. 552211", Category::Mrn, Some("552211")),
        (
            "Member ID: XJH123456789",
            Category::HealthPlanId,
            Some("XJH123456789"),
        ),
        (
            "subscriber # W88812345, copay for the visit",
            Category::HealthPlanId,
            Some("W88812345"),
        ),
        ("Acct # 99887766", Category::Account, Some("99887766")),
        (
            "claim # 2024-11-0042",
            Category::OtherId,
            Some("2024-11-0042"),
        ),
        ("DL# D1234567", Category::License, Some("D1234567")),
        (
            "pump serial no. SN-448812",
            Category::Device,
            Some("SN-448812"),
        ),
        ("plate: 7ABC123", Category::Vehicle, Some("7ABC123")),
        ("MRN pending", Category::Mrn, None),
        ("room 12", Category::Mrn, None),
    ]);
}

#[test]
fn mbi_positions() {
    check(&[
        (
            "Medicare # 2AF7-JK3-PW58",
            Category::Mbi,
            Some("2AF7-JK3-PW58"),
        ),
        ("MBI 2AF7JK3PW58", Category::Mbi, Some("2AF7JK3PW58")),
        ("sample MBI 1EG4-TE5-MK73", Category::Mbi, None),
        ("code 1SG4TE5MK73", Category::Mbi, None),
        ("code 0EG4TE5MK73", Category::Mbi, None),
    ]);
}

#[test]
fn checksummed_ids() {
    check(&[
        (
            "card 4556 7375 8689 9855 exp",
            Category::CreditCard,
            Some("4556 7375 8689 9855"),
        ),
        (
            "card 4556737586899855",
            Category::CreditCard,
            Some("4556737586899855"),
        ),
        ("card 4556 7375 8689 9856", Category::CreditCard, None),
        ("NPI 1234567893", Category::Npi, Some("1234567893")),
        ("NPI 1234567890", Category::Npi, None),
        ("DEA AB1234563", Category::Dea, Some("AB1234563")),
        ("DEA AB1234564", Category::Dea, None),
        (
            "VIN 1M8GDM9AXKP042788",
            Category::Vehicle,
            Some("1M8GDM9AXKP042788"),
        ),
        ("truck 1M8GDM9A1KP042788", Category::Vehicle, None),
    ]);
}

#[test]
fn codes() {
    check(&[
        ("dx E11.9 and I10", Category::Icd10, Some("E11.9")),
        ("dx E11.9 and I10", Category::Icd10, Some("I10")),
        ("Diagnosis codes: E119, Z794", Category::Icd10, Some("E119")),
        ("assessment: J45.909", Category::Icd10, Some("J45.909")),
        ("take the I10 north", Category::Icd10, None),
        ("code E11.99999", Category::Icd10, None),
        ("part B12.x", Category::Icd10, None),
        ("CPT 99213", Category::Cpt, Some("99213")),
        (
            "CPT codes billed: 99214, 36415",
            Category::Cpt,
            Some("36415"),
        ),
        ("order 99213 widgets", Category::Cpt, None),
    ]);
}

#[test]
fn health_context() {
    check(&[
        (
            "has type 2 diabetes",
            Category::Condition,
            Some("type 2 diabetes"),
        ),
        ("hx of COPD", Category::Condition, Some("COPD")),
        (
            "started metformin 500 mg bid",
            Category::Medication,
            Some("metformin 500 mg"),
        ),
        ("A1C 9.2 today", Category::Lab, Some("A1C 9.2")),
        (
            "scheduled colonoscopy",
            Category::Procedure,
            Some("colonoscopy"),
        ),
        ("my tia Rosa visited", Category::Condition, None),
        ("the copd clinic", Category::Condition, Some("copd")),
        (
            "daughter says BP 190/110 today",
            Category::Lab,
            Some("BP 190/110"),
        ),
        (
            "CT L-spine w/o contrast",
            Category::Procedure,
            Some("CT L-spine"),
        ),
        ("#30 crown (D2740), est.", Category::Cpt, Some("D2740")),
        ("Invoice D2740 attached", Category::Cpt, None),
    ]);
}

#[test]
fn names() {
    check(&[
        ("Pt Maria Lopez seen", Category::Name, Some("Maria Lopez")),
        ("Dear Mrs. Garcia,", Category::Name, Some("Garcia")),
        ("Hi Arthur,\n\nYour labs", Category::Name, Some("Arthur")),
        ("Dear Colleague,", Category::Name, None),
        (
            "can u see mrs kowalski today",
            Category::Name,
            Some("kowalski"),
        ),
        ("ask mrs will today", Category::Name, None),
        (
            "book Zoë Müller for surgery",
            Category::Name,
            Some("Zoë Müller"),
        ),
        (
            "spoke with Dr. John Carter",
            Category::Name,
            Some("John Carter"),
        ),
        ("Patient: Lopez, Maria", Category::Name, Some("Lopez")),
        ("Lopez, Maria called", Category::Name, Some("Lopez, Maria")),
        (
            "meeting with John Smith",
            Category::Name,
            Some("John Smith"),
        ),
        ("Thanks, Will", Category::Name, None),
        ("The Monday Meeting", Category::Name, None),
    ]);
}

#[test]
fn offsets_are_exact_and_on_boundaries() {
    let text = "Zoë: MRN 00482913 — DOB 03/04/1961 — José Garcia";
    for f in scan_chunk(text, Part::Body).findings {
        assert!(f.start < f.end && f.end <= text.len());
        assert!(text.is_char_boundary(f.start) && text.is_char_boundary(f.end));
    }
}

#[test]
fn not_names_is_sorted() {
    assert!(NOT_NAMES.windows(2).all(|w| w[0] < w[1]));
}

#[test]
fn possessives_before_health_terms() {
    let at = |t: &str, w: &str| possessed(t, t.find(w).expect("word in text"));
    assert!(matches!(
        at("refill his lisinopril", "lisinopril"),
        Possessed::One
    ));
    assert!(matches!(
        at("my poorly controlled diabetes", "controlled"),
        Possessed::Mine
    ));
    assert!(matches!(
        at("take Mrs. Odom's dialysis run", "dialysis"),
        Possessed::One
    ));
    assert!(matches!(at("to lower your A1c", "A1c"), Possessed::Yours));
    assert!(matches!(
        at("patients and their insulin pens", "insulin"),
        Possessed::Anyone
    ));
    assert!(matches!(
        at("the lisinopril shortage", "lisinopril"),
        Possessed::Not
    ));
    assert!(matches!(
        at("her clinic runs the diabetes program", "diabetes"),
        Possessed::Not
    ));
    assert!(matches!(
        at("the clinic's dialysis unit", "dialysis"),
        Possessed::Not
    ));
}

fn reason_of(text: &str, cat: Category, want: &str) -> Option<Reason> {
    found(text)
        .into_iter()
        .find(|(c, s, _)| *c == cat && s == want)
        .map(|(_, _, r)| r)
}

#[test]
fn toll_free_numbers_are_an_organisations() {
    for n in [
        "1-800-555-0142",
        "(888) 555-0117",
        "877.555.0128",
        "1 833 555 0101",
    ] {
        let t = format!("call us at {n} today");
        assert_eq!(
            reason_of(&t, Category::Phone, n),
            Some(Reason::TollFree),
            "{t}"
        );
    }
    // 899 and 811 are no toll-free codes; 617 is somebody's line.
    for n in ["(899) 555-0142", "(617) 555-0142"] {
        let t = format!("call at {n} today");
        assert_eq!(
            reason_of(&t, Category::Phone, n),
            Some(Reason::Phone),
            "{t}"
        );
    }
    assert_eq!(
        reason_of("Fax: 1-800-555-0199", Category::Fax, "1-800-555-0199"),
        Some(Reason::TollFree)
    );
}

#[test]
fn urls_with_and_without_record_numbers() {
    let cases = [
        (
            "https://portal.example.org/visit/join?pid=CV00417752",
            Reason::Url,
        ),
        ("https://example.org/chart/88213904", Reason::Url),
        ("https://example.org/results?member=W12", Reason::Url),
        (
            "https://www.evergreenhealthplan.com/healthysteps",
            Reason::UrlPlain,
        ),
        ("www.example.org/flu-shots-2025", Reason::UrlPlain),
    ];
    for (u, want) in cases {
        let t = format!("see {u} now");
        assert_eq!(reason_of(&t, Category::Url, u), Some(want), "{u}");
    }
}

#[test]
fn first_name_and_unlisted_surname() {
    check(&[
        (
            "Rosalind Achebe - HIV VL came back detectable",
            Category::Name,
            Some("Rosalind Achebe"),
        ),
        (
            "Please pay. Howard Lindqvist",
            Category::Name,
            Some("Howard Lindqvist"),
        ),
        // Places and organisations after a first name, first names that are
        // cities, and everyday words are no surname.
        ("the Howard Foundation gala", Category::Name, None),
        ("at Houston Aeros games", Category::Name, None),
        ("Allen Parkway exit", Category::Name, None),
        ("Howard Pediatrics opened", Category::Name, None),
        ("Howard Community day", Category::Name, None),
    ]);
}

#[test]
fn credentials_make_clinicians_and_buildings_make_places() {
    let r = |t: &str, n: &str| reason_of(t, Category::Name, n);
    assert_eq!(
        r("CKD and RAAS — Teresa Okafor, DO", "Teresa Okafor"),
        Some(Reason::NameOfProvider)
    );
    assert_eq!(
        r("your visit with Maria Lopez, M.D. today", "Maria Lopez"),
        Some(Reason::NameOfProvider)
    );
    assert_eq!(
        r("seen by Maria Lopez LCSW weekly", "Maria Lopez"),
        Some(Reason::NameOfProvider)
    );
    assert_eq!(
        r("the Jean Whitcomb Cancer Center opened", "Jean Whitcomb"),
        Some(Reason::NamePlace)
    );
    // "Do" after a name is a verb, not a credential.
    assert_eq!(
        r("Maria Lopez do you have", "Maria Lopez"),
        Some(Reason::NamePair)
    );
}

#[test]
fn names_in_capitals_surname_first() {
    check(&[
        (
            "0212  HOLLOWAY, BRENT   00731552",
            Category::Name,
            Some("HOLLOWAY, BRENT"),
        ),
        (
            "pt O'NEIL, MARY K. seen",
            Category::Name,
            Some("O'NEIL, MARY K"),
        ),
        (
            "NGUYEN-TRAN, LINDA seen",
            Category::Name,
            Some("NGUYEN-TRAN, LINDA"),
        ),
        // A city and a state, and capitals that are no names.
        ("BOSTON, MA 02139", Category::Name, None),
        ("NOTICE, PLEASE READ", Category::Name, None),
    ]);
}

#[test]
fn licences_with_the_issuing_state() {
    check(&[
        (
            "Driver (CDL TX 28841975) was examined",
            Category::License,
            Some("28841975"),
        ),
        (
            "DL# CA D1234567 on file",
            Category::License,
            Some("D1234567"),
        ),
        ("License NY 123456", Category::License, Some("123456")),
        // Not a state: a word.
        ("license was renewed 123456 times", Category::License, None),
    ]);
}

#[test]
fn names_with_a_role_are_staff() {
    let r = |t: &str, n: &str| reason_of(t, Category::Name, n);
    assert_eq!(
        r(
            "Questions? Reach out to Jada Morris, wellness coordinator.",
            "Jada Morris"
        ),
        Some(Reason::NameWithRole)
    );
    assert_eq!(
        r(
            "Media contact: Kira Holloway, Media Relations Manager",
            "Kira Holloway"
        ),
        Some(Reason::NameWithRole)
    );
    assert_eq!(
        r("a word from CEO Gregory Ostendorf.", "Gregory Ostendorf"),
        Some(Reason::NameWithRole)
    );
    assert_eq!(
        r(
            "thanks to honorary chairs Tom and Alicia Brennan.",
            "Alicia Brennan"
        ),
        Some(Reason::NameWithRole)
    );
    // A patient described by an occupation, or with a condition after the
    // comma, keeps a patient's weight.
    assert_eq!(
        r("Referral: John Smith, retired engineer, COPD", "John Smith"),
        Some(Reason::NamePair)
    );
    assert_eq!(
        r(
            "Seen today: Maria Lopez, type 2 diabetes, A1c 9.2",
            "Maria Lopez"
        ),
        Some(Reason::NamePair)
    );
}

#[test]
fn greetings_name_the_reader() {
    let r = |t: &str, w: &str| reason_of(t, Category::Name, w);
    // A full name greeted is one even when the lists lack it.
    assert_eq!(
        r(
            "Dear Kateryna Bondarenko,\n\nYou have a new message.",
            "Kateryna Bondarenko"
        ),
        Some(Reason::NameInGreeting)
    );
    assert_eq!(
        r("Dear Maria Lopez,\nYour results are in.", "Maria Lopez"),
        Some(Reason::NameInGreeting)
    );
    // A first name alone is told apart: a colleague's as often as not.
    assert_eq!(
        r("Hi Kelly,\n\nConfirming our lunch.", "Kelly"),
        Some(Reason::NameInGreetingFirst)
    );
    // Reminder systems print the name from the record, in capitals.
    assert_eq!(
        r("Hello DARNELL,\n\nThis is a reminder.", "DARNELL"),
        Some(Reason::NameInGreetingFirst)
    );
    // Alone on the first line, without a greeting word.
    assert_eq!(
        r("Jerome,\n\nYour request was approved.", "Jerome"),
        Some(Reason::NameInGreetingFirst)
    );
    // Quoted, in lower case, or printed in capitals before "your".
    assert_eq!(
        r("> Hi Thomas, Dr. Siddiqui reviewed your photos.", "Thomas"),
        Some(Reason::NameInGreetingFirst)
    );
    assert_eq!(
        r("hi jen,\n\nthe spot is still bleeding", "jen"),
        Some(Reason::NameInGreetingFirst)
    );
    assert_eq!(
        r(
            "ROBERT ALLEN, your prescriptions are ready.",
            "ROBERT ALLEN"
        ),
        Some(Reason::NameInGreeting)
    );
    // Words that are no name are not greeted people.
    check(&[
        ("hi all,\nsee below", Category::Name, None),
        ("Thanks,\nsee below", Category::Name, None),
        ("hey so the kids are fine", Category::Name, None),
        ("ACME CORP, your order shipped.", Category::Name, None),
        ("HI TEAM,\nPlease see below.", Category::Name, None),
        ("DEAR SIR: thank you.", Category::Name, None),
        (
            "Dear Valued Member,\n\nOur plan changes.",
            Category::Name,
            None,
        ),
        (
            "Dear Hiring Manager:\n\nPlease find my CV.",
            Category::Name,
            None,
        ),
    ]);
}

#[test]
fn phrases_wrapped_onto_the_next_line() {
    // Hard-wrapped mail, with either line ending, finds the whole phrase.
    check(&[
        (
            "recovers from hip\nreplacement surgery, and",
            Category::Procedure,
            Some("hip\nreplacement surgery"),
        ),
        (
            "recovers from hip\r\nreplacement surgery, and",
            Category::Procedure,
            Some("hip\r\nreplacement surgery"),
        ),
        (
            "seen for type 2\r\ndiabetes today",
            Category::Condition,
            Some("type 2\r\ndiabetes"),
        ),
        // Two spaces, a space before the break, a quoted reply's marks.
        (
            "recovers from hip  replacement surgery, and",
            Category::Procedure,
            Some("hip  replacement surgery"),
        ),
        (
            "recovers from hip \r\nreplacement surgery, and",
            Category::Procedure,
            Some("hip \r\nreplacement surgery"),
        ),
        (
            "> she recovers from hip\n> replacement surgery, and",
            Category::Procedure,
            Some("hip\n> replacement surgery"),
        ),
        (
            ">> seen for type 2\r\n>> diabetes today",
            Category::Condition,
            Some("type 2\r\n>> diabetes"),
        ),
    ]);
    // Dates and labels keep their places in quoted text.
    check(&[(
        "> DOB:  03/04/1961\n>   seen for type 2\n> diabetes",
        Category::Date,
        Some("03/04/1961"),
    )]);
}

#[test]
fn member_numbers_are_a_health_plans_in_health_mail() {
    check(&[
        (
            "Member #: IH-558120\nPlan: All-Access Monthly",
            Category::OtherId,
            Some("IH-558120"),
        ),
        (
            "Member #: IH-558120\nPlan: All-Access Monthly",
            Category::HealthPlanId,
            None,
        ),
        (
            "Member #: XJH123456789, copay $25 for the visit.",
            Category::HealthPlanId,
            Some("XJH123456789"),
        ),
        (
            "Medicaid ID: 00412345678",
            Category::HealthPlanId,
            Some("00412345678"),
        ),
    ]);
}

#[test]
fn names_with_age_and_sex_are_patients() {
    let r = |t: &str, w: &str| reason_of(t, Category::Name, w);
    for (text, name) in [
        (
            "Referring Sung-min Lee, 54M, for retina evaluation.",
            "Sung-min Lee",
        ),
        ("Bed 4: Okafor, 71 F, s/p fall.", "Okafor"),
    ] {
        assert_eq!(r(text, name), Some(Reason::NameWithAgeSex), "{text}");
    }
    // Money and models are not ages.
    for text in [
        "Revenue at Acme Corp, $54M this quarter.",
        "Ordered from Ford, 3 F-150 trucks.",
        "Call Bob, 3 Main St.",
    ] {
        assert!(
            found(text)
                .iter()
                .all(|(_, _, r)| *r != Reason::NameWithAgeSex),
            "{text}: {:?}",
            found(text)
        );
    }
}

#[test]
fn lowercase_sign_offs() {
    let r = |t: &str, w: &str| reason_of(t, Category::Name, w);
    for (text, name) in [
        (
            "can i get a refill of my inhaler\n-keisha g.\n",
            "keisha g.",
        ),
        (
            "can we do a phone visit instead\n\nthanks\nbrittany",
            "brittany",
        ),
        (
            "is that normal?? did the path come back\n\nthx\ncarla",
            "carla",
        ),
    ] {
        assert_eq!(
            r(text, name),
            Some(Reason::NameInSignature),
            "{text}: {:?}",
            found(text)
        );
    }
    for text in [
        "see you at 5\n-will",
        "call me\n- the team",
        "ok\nthanks\nbest",
    ] {
        assert!(
            found(text).iter().all(|(c, _, _)| *c != Category::Name),
            "{text}: {:?}",
            found(text)
        );
    }
}

#[test]
fn labelled_names_in_capitals_and_lower_case() {
    check(&[
        // A pharmacy label prints the patient in capitals.
        (
            "Patient: ANH T NGUYEN\nRx #: 6603185",
            Category::Name,
            Some("ANH T NGUYEN"),
        ),
        (
            "PATIENT NAME: MARIA LOPEZ DOB 03/04/1961",
            Category::Name,
            Some("MARIA LOPEZ"),
        ),
        ("Patient: JOHN SMITH", Category::Name, Some("JOHN SMITH")),
        // Capitals that are no names, or one name alone.
        ("PATIENT: HAS HISTORY OF CHF", Category::Name, None),
        ("Patient: NGUYEN\nRx ready", Category::Name, None),
        // A quick note: "pt" and a listed surname.
        (
            "pt hernandez rm 4 bp 182/104",
            Category::Name,
            Some("hernandez"),
        ),
        // ... but not a word the census lacks, nor an everyday word.
        ("pt ambulating well today", Category::Name, None),
        ("pt long day in clinic", Category::Name, None),
        // A vital sign in lower case.
        (
            "pt hernandez rm 4 bp 182/104",
            Category::Lab,
            Some("bp 182/104"),
        ),
    ]);
}

#[test]
fn doses_before_the_drug_and_spanish_dates() {
    check(&[
        (
            "We gave the 5 mg of morphine at 2:10",
            Category::Medication,
            Some("morphine"),
        ),
        (
            "fecha de nacimiento 3 de octubre de 1943",
            Category::Date,
            Some("3 de octubre de 1943"),
        ),
        ("el 12 de marzo", Category::Date, Some("12 de marzo")),
    ]);
    let dose = found("We gave the 5 mg of morphine at 2:10");
    assert!(
        dose.iter()
            .any(|(_, s, r)| s == "morphine" && *r == Reason::MedicationDose),
        "{dose:?}"
    );
    let dob = found("Es mi abuela, fecha de nacimiento 3 de octubre de 1943.");
    assert!(
        dob.iter().any(|(_, _, r)| *r == Reason::DateOfBirth),
        "{dob:?}"
    );
}

#[test]
fn an_unlisted_greeted_word_is_a_less_sure_name() {
    let hi = found("Hi Agnieszka,\n\nchecking in after your surgery.");
    assert!(
        hi.iter().any(|(c, s, r)| *c == Category::Name
            && s == "Agnieszka"
            && *r == Reason::NameInGreetingFirst),
        "{hi:?}"
    );
    for text in ["Hi Team,\n\nthe agenda", "Dear Valued Member,\n\nyour plan"] {
        assert!(none_of(text, Category::Name), "{text}: {:?}", found(text));
    }
}

#[test]
fn names_from_many_origins_and_lower_case_introductions() {
    check(&[
        (
            "Dear Ji-yeon Kim,\n\nYour result",
            Category::Name,
            Some("Ji-yeon Kim"),
        ),
        (
            "Hello SUNG-MIN PARK,\n\nOrder shipped",
            Category::Name,
            Some("SUNG-MIN PARK"),
        ),
        (
            "Dear VALUED CUSTOMER,\n\nOrder shipped",
            Category::Name,
            None,
        ),
        (
            "hi dr patel its marcus jefferson, my knee is still swolen",
            Category::Name,
            Some("marcus jefferson"),
        ),
        // Everyday words after "its" are no name.
        ("its long way home", Category::Name, None),
    ]);
}

#[test]
fn results_in_lab_units_and_programs_named_for_a_disease() {
    check(&[
        (
            "The result was 152 mg/dL. Our cutoff is 140",
            Category::Lab,
            Some("152 mg/dL"),
        ),
        ("potassium 5.4 mmol/L", Category::Lab, Some("5.4 mmol/L")),
        (
            "BP 118/76, 118 mmHg systolic",
            Category::Lab,
            Some("118 mmHg"),
        ),
        // A dose is a medication's, not a result.
        ("metformin 500 mg twice daily", Category::Lab, None),
        // A programme named for a disease is no one's diagnosis.
        (
            "Offer a CDC-recognized Diabetes Prevention Program, virtual or in person",
            Category::Condition,
            None,
        ),
    ]);
    // A threshold is nobody's result.
    check(&[
        (
            "hemoglobin checked on site (minimum 12.5 g/dL)",
            Category::Lab,
            Some("hemoglobin"),
        ),
        ("keep it below 100 mg/dL", Category::Lab, None),
    ]);
    assert!(!found("hemoglobin checked on site (minimum 12.5 g/dL)")
        .iter()
        .any(|(_, s, _)| s == "12.5 g/dL"));
    // The test's own finding holds its value: one finding, not two.
    let k = found("eGFR 48 mL/min");
    assert_eq!(
        k.iter().filter(|(c, _, _)| *c == Category::Lab).count(),
        1,
        "{k:?}"
    );
}

#[test]
fn the_name_above_a_street_address() {
    let r = |text: &str, want: &str| {
        found(text)
            .into_iter()
            .find(|(c, s, _)| *c == Category::Name && s == want)
            .map(|(_, _, r)| r)
    };
    for (text, name) in [
        (
            "Shipping to:\nSUNG-MIN PARK\n4217 Ravensworth Rd\nAnnandale, VA 22003",
            "SUNG-MIN PARK",
        ),
        (
            "Mail to:\r\n  Dariusz Kowalczyk\r\n  88 Elm St\r\n",
            "Dariusz Kowalczyk",
        ),
    ] {
        assert!(r(text, name).is_some(), "{text}: {:?}", found(text));
    }
    for text in [
        "Ship-to:\nHarbor Point Family Medicine\n145 Wharf St, Suite 2",
        "MEDLINK DISTRIBUTION\n145 Wharf St",
        "Come see us!\n145 Wharf St",
    ] {
        assert!(
            found(text).iter().all(|(c, _, _)| *c != Category::Name),
            "{text}: {:?}",
            found(text)
        );
    }
}

#[test]
fn bedside_shorthand() {
    check(&[
        (
            "412 Nguyen - sats 88% RA, on 2L now 93%",
            Category::Lab,
            Some("sats 88%"),
        ),
        ("RR 24. Not on any O2 at home", Category::Lab, Some("RR 24")),
        (
            "CXR ordered per Dr. Pavlenko",
            Category::Procedure,
            Some("CXR"),
        ),
        (
            "failed her 3-hr GTT, so GDM",
            Category::Condition,
            Some("GDM"),
        ),
        ("failed her 3-hr GTT, so GDM", Category::Lab, Some("GTT")),
        // A Saturday is no saturation.
        ("Sat 11/17/2001 10:00 AM", Category::Lab, None),
    ]);
}
