//! The phrase automaton: one Aho-Corasick automaton (ASCII case-insensitive,
//! leftmost-longest) over every dictionary phrase — conditions, procedures,
//! labs, drugs and clinical abbreviations from `shared/dict/`, plus the labels,
//! cue words and titles that give identifiers their meaning. One pass over the
//! text yields every phrase hit; hits inside a larger word are dropped.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::category::Category;
use crate::phrases::{PhraseIndex, MARK};

/// A label that says what the value after it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Label {
    Mrn,
    HealthPlan,
    /// "Member #", "Subscriber ID", "Policy number": a health plan's in
    /// health mail, a gym's or an airline's elsewhere.
    Member,
    Mbi,
    Account,
    Ssn,
    Npi,
    Dea,
    License,
    Device,
    Plate,
    Vin,
    OtherId,
    Dob,
    Admission,
    Discharge,
    Death,
    Service,
    Fax,
    Phone,
    Zip,
    Icd,
    Cpt,
    Name,
}

impl Label {
    /// A label for a date (of birth, admission, discharge, death, service).
    pub(crate) fn is_date(self) -> bool {
        matches!(
            self,
            Label::Dob | Label::Admission | Label::Discharge | Label::Death | Label::Service
        )
    }
}

/// Words that say the text is about a patient's care.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Cue {
    /// Relatives ("my daughter"): personal, not necessarily clinical.
    Relative,
    /// Clinical workflow words (referral, refill, follow-up).
    Clinical,
    /// Unmistakably about a patient (pt, dx, DOB, MRN, diagnosed).
    Patient,
    /// Mail sent to many: a press release, a newsletter, a course
    /// announcement ("unsubscribe", "media contact", "CME credit").
    Bulk,
    /// The writer's own body ("my left shoulder", "my incision"): the
    /// writer tells of their own health.
    Body,
    /// An animal's care: a veterinary clinic's mail ("canine", "your pet").
    Animal,
    /// A greeting to a group ("Hi everyone,", "Dear colleagues,").
    Group,
}

/// A form of address before a name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Title {
    Provider,
    Person,
}

/// How the letters of a hit must be written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Case {
    /// Any case.
    Any,
    /// Exactly as listed (upper-case clinical abbreviations).
    Exact,
    /// Not all upper case (`pt`, `Pt`, but not `PT`, which is a time zone).
    NotUpper,
}

/// Everything a phrase means.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Term {
    pub health: Option<(Category, f32)>,
    pub label: Option<Label>,
    pub cue: Option<Cue>,
    pub title: Option<Title>,
    pub case: Case,
    /// A drug name that is also an English word: counted only with a dose.
    pub needs_dose: bool,
    /// A specialty or service (`specialties.txt`), not a condition itself.
    pub specialty: bool,
}

impl Term {
    const EMPTY: Term = Term {
        health: None,
        label: None,
        cue: None,
        title: None,
        case: Case::Any,
        needs_dose: false,
        specialty: false,
    };
}

/// A phrase hit in the text.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Hit {
    pub term: Term,
    pub start: usize,
    pub end: usize,
}

pub(crate) struct Lexicon {
    phrases: PhraseIndex,
    terms: Vec<Term>,
    /// The phrase as listed, for `Case::Exact` terms.
    spelled: Vec<String>,
    /// The next phrase that folds to the same bytes ("end-stage renal
    /// disease", "end stage renal disease"), or `u32::MAX`: the index finds
    /// one of them, the spelling check picks the one written.
    twins: Vec<u32>,
}

const LABELS: &[(Label, &[&str])] = &[
    (
        Label::Mrn,
        &[
            "mrn",
            "mrn#",
            "mr#",
            "mr #",
            "mr no",
            "mr number",
            "medical record",
            "medical record number",
            "medical record no",
            "medical record #",
            "med rec",
            "med rec #",
            "chart",
            "chart #",
            "chart no",
            "chart number",
            "patient account",
            "patient account number",
            "patient acct",
            "pt acct",
            "hospital account",
            "encounter #",
            "encounter number",
            "enc #",
            "fin #",
            "visit #",
            "patient id",
            "pt id",
            "patient #",
            "patient number",
            "acct/mrn",
            "record #",
        ],
    ),
    (
        Label::HealthPlan,
        &[
            "beneficiary id",
            "beneficiary number",
            "medicaid id",
            "medicaid #",
            "medicaid number",
            "medicaid no",
            "insurance id",
            "insurance #",
            "insurance number",
            "health plan id",
            "hicn",
            "beneficiary",
            "insured id",
        ],
    ),
    (
        Label::Member,
        &[
            "member id",
            "member #",
            "member number",
            "member no",
            "mem id",
            "subscriber id",
            "subscriber #",
            "subscriber number",
            "policy number",
            "policy #",
            "policy no",
            "group number",
            "group #",
            "group no",
            "plan id",
            "id card",
            "member id#",
            "subscriber no",
            "member",
            "subscriber",
        ],
    ),
    (
        Label::Mbi,
        &[
            "mbi",
            "medicare id",
            "medicare #",
            "medicare number",
            "medicare no",
            "medicare beneficiary identifier",
        ],
    ),
    (
        Label::Account,
        &[
            "acct",
            "acct #",
            "acct no",
            "acct number",
            "account",
            "account #",
            "account number",
            "account no",
            "a/c",
        ],
    ),
    (
        Label::Ssn,
        &[
            "ssn",
            "ssn#",
            "ss#",
            "ss #",
            "soc sec",
            "soc sec #",
            "social security",
            "social security number",
            "social security no",
            "social security #",
            "social sec",
        ],
    ),
    (
        Label::Npi,
        &["npi", "npi #", "npi#", "npi number", "npi no"],
    ),
    (
        Label::Dea,
        &[
            "dea",
            "dea #",
            "dea#",
            "dea number",
            "dea no",
            "dea reg",
            "dea registration",
        ],
    ),
    (
        Label::License,
        &[
            "license",
            "license #",
            "license number",
            "license no",
            "licence",
            "licence number",
            "licence no",
            "lic",
            "lic #",
            "lic no",
            "dl",
            "dl #",
            "dl#",
            "cdl",
            "cdl #",
            "cdl#",
            "cdl no",
            "driver's license",
            "drivers license",
            "driver license",
            "driver's license #",
            "certificate",
            "certificate #",
            "certificate number",
            "certificate no",
            "cert #",
            "cert no",
            "state license",
            "medical license",
        ],
    ),
    (
        Label::Device,
        &[
            "serial",
            "serial #",
            "serial number",
            "serial no",
            "s/n",
            "sn",
            "device id",
            "udi",
            "imei",
            "device serial",
            "model/serial",
            "pump serial",
            "meter serial",
        ],
    ),
    (
        Label::Plate,
        &[
            "plate",
            "plate #",
            "license plate",
            "plate number",
            "plate no",
            "tag #",
            "tag number",
        ],
    ),
    (Label::Vin, &["vin", "vin #", "vin number"]),
    (
        Label::OtherId,
        &[
            "claim",
            "claim #",
            "claim number",
            "claim no",
            "claim id",
            "case #",
            "case number",
            "case no",
            "case id",
            "auth #",
            "authorization #",
            "authorization number",
            "auth number",
            "prior auth #",
            "reference #",
            "ref #",
            "ref no",
            "confirmation #",
            "rx #",
            "rx number",
            "prescription #",
            "order #",
            "order number",
            "po #",
            "po number",
            "invoice #",
            "invoice number",
            "invoice no",
            "tracking #",
            "tracking number",
            "ticket #",
            "id #",
            "id number",
            "id no",
            "pa #",
            "requisition #",
            "accession #",
            "specimen id",
            "accession number",
        ],
    ),
    (
        Label::Dob,
        &[
            "dob",
            "d.o.b",
            "d.o.b.",
            "date of birth",
            "fecha de nacimiento",
            "birth date",
            "birthdate",
            "born",
            "born on",
            "birthday",
            "b-day",
            "bday",
        ],
    ),
    (
        Label::Admission,
        &[
            "admitted",
            "admitted on",
            "admission date",
            "date of admission",
            "admit date",
            "admission",
            "doa",
        ],
    ),
    (
        Label::Discharge,
        &[
            "discharged",
            "discharged on",
            "discharge date",
            "date of discharge",
            "discharge",
        ],
    ),
    (
        Label::Death,
        &[
            "date of death",
            "dod",
            "died",
            "died on",
            "passed away",
            "passed away on",
            "expired",
            "deceased",
            "time of death",
        ],
    ),
    (
        Label::Service,
        &[
            "date of service",
            "dos",
            "doi",
            "date of injury",
            "injury date",
            "service date",
            "appointment",
            "appt",
            "visit date",
            "seen on",
            "surgery date",
            "procedure date",
            "scheduled for",
            "surgery on",
            "seen in clinic",
            "last seen",
            "next visit",
            "follow-up on",
            "f/u on",
            "collected",
            "collected on",
            "drawn on",
        ],
    ),
    (
        Label::Fax,
        &[
            "fax",
            "fax #",
            "fax number",
            "fax no",
            "facsimile",
            "efax",
            "f:",
            "(f)",
            "fx",
        ],
    ),
    (
        Label::Phone,
        &[
            "phone",
            "phone #",
            "tel",
            "tel.",
            "cell",
            "mobile",
            "ph",
            "ph:",
            "p:",
            "(p)",
            "c:",
            "home phone",
            "work phone",
            "call",
        ],
    ),
    (Label::Zip, &["zip", "zip code", "zipcode", "postal code"]),
    (
        Label::Icd,
        &[
            "icd",
            "icd-10",
            "icd10",
            "icd-10-cm",
            "icd 10",
            "dx",
            "dx code",
            "dx codes",
            "diagnosis",
            "diagnosis code",
            "diagnosis codes",
            "diagnoses",
            "dx:",
        ],
    ),
    (
        Label::Cpt,
        &[
            "cpt",
            "cpt code",
            "cpt codes",
            "cpt®",
            "procedure code",
            "procedure codes",
            "hcpcs",
            "billing code",
            "billing codes",
        ],
    ),
    (
        Label::Name,
        &[
            "patient name",
            "pt name",
            "name",
            "patient",
            "pt",
            "member name",
            "insured",
            "guarantor",
            "resident",
            "client",
            "patient:",
            "pt:",
            "recipient name",
            "child",
            "son",
            "daughter",
            "spouse",
            "my name is",
            "this is",
            "mi nombre es",
            "paciente",
        ],
    ),
];

const CUES: &[(Cue, &[&str])] = &[
    (
        Cue::Patient,
        &[
            "patient",
            "pt",
            "pt's",
            "patient's",
            "diagnosed",
            "dx",
            "hx",
            "history of",
            "h/o",
            "s/p",
            "status post",
            "presented with",
            "presents with",
            "presenting with",
            "complains of",
            "c/o",
            "prescribed",
            "dob",
            "d.o.b",
            "date of birth",
            "mrn",
            "medical record",
            "member id",
            "subscriber id",
            "medicare id",
            "mbi",
            "chief complaint",
            "assessment and plan",
            "plan of care",
            "discharge summary",
            "admitted",
            "readmitted",
            "discharged",
            "prognosis",
            "was seen",
            "tested positive",
            "positive for",
            "negative for",
            "biopsy",
            "pathology report",
            "lab results",
            "test results",
            "your results",
            "your labs",
            "your lab results",
            "your test results",
            "your visit",
            "your appointment",
            "your prescription",
            "your medication",
            "your medications",
            "your surgery",
            "your procedure",
            "your diagnosis",
            "your treatment",
            "your symptoms",
            "your doctor",
            "your care team",
            "my diagnosis",
            "my doctor",
            "my medication",
            "my medications",
            "my symptoms",
            "my prescription",
            "my appointment",
            "my surgery",
            "my results",
            "i was diagnosed",
            "i've been diagnosed",
            "i have been diagnosed",
            "confirmatory",
            // Leave for one's own or a relative's serious health condition.
            "fmla",
            "medical leave",
            "short-term disability",
            "results came back",
            "came back positive",
            "came back negative",
            "came back reactive",
            "came back abnormal",
            "came back normal",
            "screen fail",
            "light duty",
            "work status",
            "return to work",
            "lifting restriction",
            "work restrictions",
            "check-in",
            "checked in",
            "new patient",
            "established patient",
            "came in",
            "coming in",
            "seen today",
            "fecha de nacimiento",
            "cita",
            "his results",
            "her results",
            "results for",
            "prior auth",
            "prior authorization",
            "refill request",
            "medication list",
            "meds",
            "allergies",
            "nkda",
            "vitals",
            "icd-10",
            "cpt",
            "npi",
            "dea",
            "referral for",
            "referred for",
            "referring",
            "pcp",
            "ob/gyn",
            "rx",
            // Also labels: a prescription's number is one patient's.
            "rx #",
            "rx number",
            "prescription #",
            "sig",
            "bid",
            "tid",
            "qid",
            "prn",
            "qhs",
            "po daily",
            "mg daily",
        ],
    ),
    (
        Cue::Clinical,
        &[
            "health care provider",
            "healthcare provider",
            // Insurance eligibility as often as a blood donor's.
            "eligibility",
            "patients",
            "pts",
            "referral",
            "referred",
            "consult",
            "consultation",
            "follow-up",
            "follow up",
            "f/u",
            "refill",
            "refills",
            "prescription",
            "dosage",
            "symptoms",
            "treatment",
            "therapy",
            "diagnosis",
            "chart",
            "physician",
            "provider",
            "clinic",
            "hospital",
            "pharmacy",
            "pharmacist",
            "pharmacists",
            "nurse",
            "inpatient",
            "outpatient",
            "icu",
            "er visit",
            "ed visit",
            "urgent care",
            "copay",
            "deductible",
            "eob",
            "explanation of benefits",
            "claim",
            "medicare",
            "medicaid",
            "insurance",
            "appointment",
            "appt",
            "surgery",
            "procedure",
            "scan",
            "imaging",
            "labs",
            "results",
        ],
    ),
    (
        Cue::Relative,
        &[
            // "Dad had a rough night", "Mom (Rosa Diaz)": one's own parent.
            "dad",
            "mom",
            "mom says",
            "mom said",
            "dad says",
            "dad said",
            "her mom",
            "his mom",
            "her dad",
            "his dad",
            "my son",
            "my daughter",
            "my mother",
            "my father",
            "my mom",
            "my dad",
            "my husband",
            "mi hijo",
            "mi hija",
            "mi esposo",
            "mi esposa",
            "mi mamá",
            "mi papá",
            "mi madre",
            "mi padre",
            "mi abuela",
            "mi abuelo",
            "mi hermana",
            "mi hermano",
            // "your mother has been sleeping most of the day": a relative
            // of the reader's, written to by their care team.
            "your mother",
            "your father",
            "your mom",
            "your dad",
            "your son",
            "your daughter",
            "your husband",
            "your wife",
            "your child",
            "your baby",
            "my wife",
            "my child",
            "my baby",
            "my sister",
            "my brother",
            "my grandmother",
            "my grandfather",
            "his wife",
            "her husband",
            "his son",
            "her son",
            "his daughter",
            "her daughter",
            "his mother",
            "her mother",
            "his father",
            "her father",
        ],
    ),
    (
        Cue::Bulk,
        &[
            "unsubscribe",
            "for immediate release",
            "media contact",
            "media contacts",
            "press release",
            "category 1 credit",
            "category 1 credits",
            "continuing medical education",
            "register now",
            "view this email in your browser",
            "view in browser",
            "manage your preferences",
            "email preferences",
            // Study recruitment flyers.
            "now enrolling",
            "now recruiting",
            "see if you qualify",
            "see if you are eligible",
            "participation is voluntary",
            "please forward this",
            // Community events.
            "health fair",
            "free screenings",
            "volunteers needed",
            "open to the public",
            "all are welcome",
            "everyone is welcome",
            // Benefits mail to all staff.
            "open enrollment",
            "benefits fair",
        ],
    ),
    (
        Cue::Body,
        &[
            "my left shoulder",
            "my right shoulder",
            "my left knee",
            "my right knee",
            "my left hip",
            "my right hip",
            "my left ankle",
            "my right ankle",
            "my left wrist",
            "my right wrist",
            "my left elbow",
            "my right elbow",
            "my left arm",
            "my right arm",
            "my left leg",
            "my right leg",
            "my left foot",
            "my right foot",
            "my left eye",
            "my right eye",
            "my left ear",
            "my right ear",
            "my left hand",
            "my right hand",
            "my left breast",
            "my right breast",
            "my shoulder",
            "my knee",
            "my knees",
            "my hip",
            "my ankle",
            "my wrist",
            "my elbow",
            "my lower back",
            "my skin",
            "my throat",
            "my incision",
            "my stitches",
            "my bandage",
            "my scar",
            "my rash",
            "my blood sugar",
            "my sugar levels",
            "my sugars",
            "my meds",
            "my medication",
            "my medications",
            "my symptoms",
            "my pain",
            "my surgery",
            "my procedure",
            "my biopsy",
            "my scan",
            "my results",
            "my labs",
            "my lab results",
            "my diagnosis",
            "my treatment",
            "my therapy",
            "my therapist",
            "my prescription",
            "my prescriptions",
            "my refill",
            "my doctor",
            "my primary care",
            "my pcp",
            "my oncologist",
            "my surgeon",
            "my insulin",
            "my inhaler",
            "mi cita",
            "mis medicamentos",
            "mi receta",
        ],
    ),
    (
        Cue::Group,
        &[
            "hi everyone",
            "hi all",
            "hi team",
            "hi colleagues",
            "hi staff",
            "hi employees",
            "hi members",
            "hi friends",
            "hi neighbors",
            "hi neighbours",
            "hi parents",
            "hi folks",
            "hi everybody",
            "hi all staff",
            "hello everyone",
            "hello all",
            "hello team",
            "hello colleagues",
            "hello staff",
            "hello employees",
            "hello members",
            "hello friends",
            "hello neighbors",
            "hello neighbours",
            "hello parents",
            "hello folks",
            "hello everybody",
            "hello all staff",
            "hey everyone",
            "hey all",
            "hey team",
            "hey colleagues",
            "hey staff",
            "hey employees",
            "hey members",
            "hey friends",
            "hey neighbors",
            "hey neighbours",
            "hey parents",
            "hey folks",
            "hey everybody",
            "hey all staff",
            "dear everyone",
            "dear all",
            "dear team",
            "dear colleagues",
            "dear staff",
            "dear employees",
            "dear members",
            "dear friends",
            "dear neighbors",
            "dear neighbours",
            "dear parents",
            "dear all staff",
            "good morning everyone",
            "good morning all",
            "good morning team",
            "good morning colleagues",
            "good morning staff",
            "good morning employees",
            "good morning members",
            "good morning friends",
            "good morning neighbors",
            "good morning neighbours",
            "good morning parents",
            "good morning folks",
            "good morning everybody",
            "good morning all staff",
            "good afternoon everyone",
            "good afternoon all",
            "good afternoon team",
            "good afternoon colleagues",
            "good afternoon staff",
            "good afternoon employees",
            "good afternoon members",
            "good afternoon friends",
            "good afternoon neighbors",
            "good afternoon neighbours",
            "good afternoon parents",
            "good afternoon folks",
            "good afternoon everybody",
            "good afternoon all staff",
            "dear valued member",
            "dear valued members",
            "dear valued customer",
            "to all staff",
            "all employees",
            "dear team members",
        ],
    ),
    (
        Cue::Animal,
        &[
            "veterinary",
            "veterinarian",
            "animal hospital",
            "vet clinic",
            "canine",
            "feline",
            "dvm",
            "your pet",
            "your pet's",
            "your dog",
            "your dog's",
            "your cat",
            "your cat's",
            "heartworm",
            "spay",
            "neuter",
            "puppy",
            "kitten",
            "flea and tick",
            "golden retriever",
            "labrador",
            "bordetella",
            "dhpp",
            "fvrcp",
        ],
    ),
];

const TITLES: &[(Title, &[&str])] = &[
    (
        Title::Provider,
        &["dr", "dr.", "doctor", "nurse", "np", "pa-c", "rn"],
    ),
    (
        Title::Person,
        &[
            "mr", "mr.", "mrs", "mrs.", "ms", "ms.", "miss", "mx.", "mstr", "sr.", "sra.", "srta.",
        ],
    ),
];

/// Cue words and labels that count only when not written in capitals.
const NOT_UPPER: &[&str] = &[
    "pt", "pts", "ms", "ms.", "sn", "dl", "ph", "np", "rn", "fx", "sig", "bid", "tid", "qid",
    "prn", "doa", "dos", "dod", "lic", "miss", "mr", "mrs", "call", "son", "child", "name", "scan",
    "chart", "claim", "member",
];

fn lines(s: &'static str) -> impl Iterator<Item = &'static str> {
    s.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
}

impl Lexicon {
    fn build() -> Lexicon {
        let mut index: HashMap<String, usize> = HashMap::new();
        let mut pats: Vec<String> = Vec::new();
        let mut terms: Vec<Term> = Vec::new();
        // One pattern per phrase, whatever its case; a phrase listed both
        // exactly (an abbreviation) and in any case is matched in any case.
        let mut entry = |p: &str, case: Case| -> usize {
            let i = *index.entry(p.to_ascii_lowercase()).or_insert_with(|| {
                pats.push(p.to_string());
                terms.push(Term {
                    case,
                    ..Term::EMPTY
                });
                terms.len() - 1
            });
            if case == Case::Any {
                terms[i].case = Case::Any;
            }
            i
        };
        // Health dictionaries first: they own a phrase if it appears in several.
        let health: [(&'static str, Category, f32); 4] = [
            (
                include_str!("../dict/conditions.txt"),
                Category::Condition,
                0.8,
            ),
            (include_str!("../dict/drugs.txt"), Category::Medication, 0.8),
            (
                include_str!("../dict/procedures.txt"),
                Category::Procedure,
                0.7,
            ),
            (include_str!("../dict/labs.txt"), Category::Lab, 0.65),
        ];
        let mut staged: Vec<(usize, Term)> = Vec::new();
        for (list, cat, conf) in health {
            for p in lines(list) {
                let i = entry(p, Case::Any);
                staged.push((
                    i,
                    Term {
                        health: Some((cat, conf)),
                        ..Term::EMPTY
                    },
                ));
            }
        }
        // After the health lists, so a phrase listed there keeps its own
        // category ("er visit" is a procedure).
        for p in lines(include_str!("../dict/specialties.txt")) {
            let i = entry(p, Case::Any);
            staged.push((
                i,
                Term {
                    health: Some((Category::Condition, 0.7)),
                    specialty: true,
                    ..Term::EMPTY
                },
            ));
        }
        for p in lines(include_str!("../dict/drugs_ambiguous.txt")) {
            let i = entry(p, Case::Any);
            staged.push((
                i,
                Term {
                    health: Some((Category::Medication, 0.8)),
                    needs_dose: true,
                    ..Term::EMPTY
                },
            ));
        }
        // Two-column lists, `term<TAB>category`: the Spanish words as any
        // phrase, the clinical abbreviations case-exact and less sure.
        for (list, case, sure) in [
            (include_str!("../dict/spanish.tsv"), Case::Any, None),
            (
                include_str!("../dict/clinical_abbrevs.tsv"),
                Case::Exact,
                Some(0.6),
            ),
        ] {
            for line in lines(list) {
                let Some((term, cat)) = line.split_once('\t') else {
                    continue;
                };
                let (cat, conf, specialty) = match cat.trim() {
                    "condition" => (Category::Condition, 0.8, false),
                    "medication" => (Category::Medication, 0.8, false),
                    "procedure" => (Category::Procedure, 0.7, false),
                    "lab" => (Category::Lab, 0.65, false),
                    "specialty" => (Category::Condition, 0.7, true),
                    _ => continue,
                };
                let i = entry(term.trim(), case);
                staged.push((
                    i,
                    Term {
                        health: Some((cat, sure.unwrap_or(conf))),
                        specialty,
                        ..Term::EMPTY
                    },
                ));
            }
        }
        let roles = LABELS
            .iter()
            .flat_map(|&(label, ws)| {
                ws.iter().map(move |w| {
                    (
                        w,
                        Term {
                            label: Some(label),
                            ..Term::EMPTY
                        },
                    )
                })
            })
            .chain(CUES.iter().flat_map(|&(cue, ws)| {
                ws.iter().map(move |w| {
                    (
                        w,
                        Term {
                            cue: Some(cue),
                            ..Term::EMPTY
                        },
                    )
                })
            }))
            .chain(TITLES.iter().flat_map(|&(title, ws)| {
                ws.iter().map(move |w| {
                    (
                        w,
                        Term {
                            title: Some(title),
                            ..Term::EMPTY
                        },
                    )
                })
            }));
        for (w, t) in roles {
            let i = entry(w, Case::Any);
            staged.push((i, t));
        }
        // Merge every role of a phrase into its one term; the first source of
        // each role wins (health lists before labels before cues).
        for (i, t) in staged {
            let m = &mut terms[i];
            if m.health.is_none() && t.health.is_some() {
                m.health = t.health;
                m.needs_dose = t.needs_dose;
                m.specialty = t.specialty;
            }
            m.label = m.label.or(t.label);
            m.cue = m.cue.max(t.cue);
            m.title = m.title.or(t.title);
        }
        // Short words that mean something else in upper case ("PT" the time
        // zone, "MS" the company, "DOS") count only as written in lower or
        // title case.
        for (p, t) in pats.iter().zip(terms.iter_mut()) {
            if t.case == Case::Any
                && t.health.is_none()
                && NOT_UPPER.contains(&p.to_ascii_lowercase().as_str())
            {
                t.case = Case::NotUpper;
            }
        }
        let folded: Vec<Vec<u8>> = pats.iter().map(|p| fold_pattern(p.as_bytes())).collect();
        // The phrases are the crate's own data: each begins with the mark
        // (checked by tests), so the index builds.
        let mut twins = vec![u32::MAX; folded.len()];
        {
            let mut last: std::collections::HashMap<&[u8], usize> =
                std::collections::HashMap::new();
            for (i, p) in folded.iter().enumerate().rev() {
                if let Some(j) = last.insert(p, i) {
                    twins[i] = j as u32;
                }
            }
        }
        let phrases = PhraseIndex::new(folded);
        Lexicon {
            phrases,
            terms,
            spelled: pats,
            twins,
        }
    }

    /// Calls `f` for every whole-word phrase hit in `text`.
    pub(crate) fn hits(&self, text: &str, mut f: impl FnMut(Hit)) {
        // Phrases are matched over the text with its layout taken out, and
        // the hits mapped back (see `flatten`), so that a wrapped phrase
        // matches whatever the line ends and quote marks around the wrap.
        let Some((flat, dropped)) = flatten(text) else {
            return self.hits_flat(text, f);
        };
        // A hit never starts or ends on a dropped byte, so it starts after
        // the bytes dropped at or before its start and ends after those
        // dropped before its end.
        self.hits_flat(&flat, |h| {
            f(Hit {
                start: h.start + dropped.partition_point(|&d| d <= h.start),
                end: h.end + dropped.partition_point(|&d| d < h.end),
                ..h
            })
        })
    }

    /// [`Lexicon::hits`] over text already flattened.
    fn hits_flat(&self, text: &str, mut f: impl FnMut(Hit)) {
        let bytes = text.as_bytes();
        let folded = fold_text(bytes);
        self.phrases.find_iter(&folded, |first, _, end| {
            // Folded offsets are one ahead of the text's (the leading mark);
            // a pattern's leading mark stands for the byte before the word.
            // Twins fold alike, so they have the same length.
            let e = end - 1;
            let Some(s) = e.checked_sub(self.spelled[first].len()) else {
                return;
            };
            if !word_edge(text, s, e) {
                return;
            }
            let written = &bytes[s..e];
            let mut id = first;
            loop {
                if let Some(term) = self.spelled_as(id, written, bytes.get(e)) {
                    f(Hit {
                        term,
                        start: s,
                        end: e,
                    });
                    return;
                }
                match self.twins[id] {
                    u32::MAX => return,
                    next => id = next as usize,
                }
            }
        });
    }

    /// The term of phrase `id` if `written` (followed by `next`) spells it
    /// in a case it counts in.
    fn spelled_as(&self, id: usize, written: &[u8], next: Option<&u8>) -> Option<Term> {
        let spelled = self.spelled[id].as_bytes();
        let term = self.terms[id];
        // Folding maps every separator before a word to one mark, so
        // "s/p" and "s-p" fold alike: check the spelling itself. A line
        // break or a tab stands for a space ("hip\nreplacement").
        let same = |w: &u8, s: &u8, case: bool| {
            (if case {
                w == s
            } else {
                w.eq_ignore_ascii_case(s)
            }) || (*s == b' ' && matches!(w, b'\n' | b'\t'))
        };
        let spells = |case: bool| {
            written.len() == spelled.len()
                && written.iter().zip(spelled).all(|(w, s)| same(w, s, case))
        };
        if !spells(false) {
            return None;
        }
        let ok = match term.case {
            Case::Any => true,
            Case::Exact => spells(true),
            Case::NotUpper => {
                let upper = written.iter().filter(|b| b.is_ascii_alphabetic()).count() > 1
                    && written.iter().all(|b| !b.is_ascii_lowercase());
                // A label in capitals is still one with a colon or `#`
                // after it, as forms print them ("DL: D1234567",
                // "DOS: 03/04/2026"); "DL 1234" is a Delta flight.
                !upper || (term.label.is_some() && matches!(next, Some(b':' | b'#')))
            }
        };
        ok.then_some(term)
    }
}

fn starts_word(prev: Option<u8>, b: u8) -> bool {
    is_word(b) && !prev.is_some_and(is_word)
}

/// Folds text for phrase matching: ASCII lower case, one leading mark, and
/// the byte before every word start replaced by the mark. Phrases are folded
/// the same way and begin with the mark, so matches can only start at a word
/// (see `phrases`). Same length plus one: offsets map back by -1.
fn fold_text(text: &[u8]) -> Vec<u8> {
    let mut out = vec![MARK; text.len() + 1];
    if let Some(&last) = text.last() {
        out[text.len()] = ascii_lower(last);
    }
    // Branch-free over byte pairs so the compiler can vectorise it: out[i + 1]
    // is the mark when text[i + 1] starts a word, else text[i] lower-cased.
    for ((o, &a), &b) in out[1..].iter_mut().zip(text).zip(text.iter().skip(1)) {
        let mark = u8::from(is_word(b) & !is_word(a));
        let low = ascii_lower(a);
        *o = low ^ ((low ^ MARK) & 0u8.wrapping_sub(mark));
    }
    out
}

/// ASCII lower case without a branch.
fn ascii_lower(c: u8) -> u8 {
    c | (u8::from(c.wrapping_sub(b'A') < 26) << 5)
}

/// A letter, digit or any byte of a multi-byte character, without a branch.
fn is_word(c: u8) -> bool {
    (c.wrapping_sub(b'0') < 10) | ((c | 0x20).wrapping_sub(b'a') < 26) | (c >= 0x80)
}

/// Folds a phrase like [`fold_text`] folds text. A phrase that does not
/// begin with a letter or digit keeps no leading mark.
fn fold_pattern(p: &[u8]) -> Vec<u8> {
    let mut out = fold_text(p);
    if !p.first().is_some_and(|&b| starts_word(None, b)) {
        out.remove(0);
    }
    out
}

/// `text` without its layout, for phrase matching, and where each byte
/// taken out stood: before the byte at that offset of the flat text. Taken
/// out are the CR of each CRLF, spaces and tabs before a line break, the
/// indentation and quote marks that start a line ("hip\n> replacement" in a
/// quoted reply) and all but the first of several spaces ("hip  replacement").
/// A phrase wrapped onto the next line then folds like one on a line; its
/// spelling check lets the line break stand for a space. `None` when there
/// is nothing to take out (most text).
fn flatten(text: &str) -> Option<(String, Vec<usize>)> {
    // Searchers built once: building one per chunk cost more than the search.
    static FINDERS: std::sync::OnceLock<[memchr::memmem::Finder<'static>; 4]> =
        std::sync::OnceLock::new();
    let [two, before_break, after_break, quote] = FINDERS.get_or_init(|| {
        [&b"  "[..], b" \n", b"\n ", b"\n>"].map(|p| memchr::memmem::Finder::new(p).into_owned())
    });
    let b = text.as_bytes();
    if memchr::memchr2(b'\r', b'\t', b).is_none()
        && [before_break, after_break, quote, two]
            .iter()
            .all(|f| f.find(b).is_none())
    {
        return None;
    }
    let sep = |c: &u8| matches!(c, b' ' | b'\t');
    let mut flat = Flat {
        text,
        flat: String::with_capacity(text.len()),
        dropped: Vec::new(),
        from: 0,
    };
    // Line by line: most of a line is copied in one piece, and only its
    // ends and its runs of separators are looked at byte by byte.
    let mut line = 0;
    loop {
        let end = memchr::memchr(b'\n', &b[line..]).map_or(b.len(), |n| line + n);
        let lead = if line > 0 {
            b[line..end]
                .iter()
                .take_while(|c| sep(c) || **c == b'>')
                .count()
        } else {
            0
        };
        flat.drop(line, line + lead);
        let mut body_end = end;
        if end < b.len() {
            body_end -= b[line + lead..end]
                .iter()
                .rev()
                .take_while(|c| sep(c) || **c == b'\r')
                .count();
        }
        let mut at = line + lead;
        loop {
            let seg = &b[at..body_end];
            let run = two.find(seg);
            let tab = memchr::memchr(b'\t', seg);
            let Some(p) = run.into_iter().chain(tab).min().map(|p| at + p) else {
                break;
            };
            let start = p - b[at..p].iter().rev().take_while(|c| sep(c)).count();
            let stop = p + b[p..body_end].iter().take_while(|c| sep(c)).count();
            flat.drop(start + 1, stop);
            at = stop;
        }
        flat.drop(body_end, end);
        if end == b.len() {
            break;
        }
        line = end + 1;
    }
    let Flat {
        mut flat,
        dropped,
        from,
        ..
    } = flat;
    flat.push_str(&text[from..]);
    Some((flat, dropped))
}

/// The text being flattened (see [`flatten`]).
struct Flat<'t> {
    text: &'t str,
    flat: String,
    dropped: Vec<usize>,
    /// The first byte of `text` not yet copied or dropped.
    from: usize,
}

impl Flat<'_> {
    /// Copies the text up to `start` and drops `start..end` (ASCII bytes).
    fn drop(&mut self, start: usize, end: usize) {
        if start >= end {
            return;
        }
        self.flat.push_str(&self.text[self.from..start]);
        let at = self.flat.len();
        self.dropped.extend(std::iter::repeat_n(at, end - start));
        self.from = end;
    }
}

/// True when `text[s..e]` is not glued to letters or digits on either side.
pub(crate) fn word_edge(text: &str, s: usize, e: usize) -> bool {
    let before = text[..s].chars().next_back();
    let after = text[e..].chars().next();
    let inner_first = text[s..e].chars().next();
    let inner_last = text[s..e].chars().next_back();
    let glued = |outer: Option<char>, inner: Option<char>| match (outer, inner) {
        (Some(o), Some(i)) => o.is_alphanumeric() && i.is_alphanumeric(),
        _ => false,
    };
    if glued(before, inner_first) || glued(after, inner_last) {
        return false;
    }
    // Short terms inside hyphenated codes ("WALDEN-RX-0091") are not words.
    if e - s <= 3 {
        let b = text.as_bytes();
        let joined = |sep: Option<&u8>, next: Option<&u8>| {
            matches!(sep, Some(b'-' | b'_')) && next.is_some_and(u8::is_ascii_alphanumeric)
        };
        let left = s.checked_sub(1).map(|i| &b[i]);
        let left2 = s.checked_sub(2).map(|i| &b[i]);
        // "HIV-1" stays a word: a trailing number is a subtype, not a code.
        let right_letter = matches!(b.get(e), Some(b'-' | b'_'))
            && b.get(e + 1).is_some_and(u8::is_ascii_alphabetic);
        if joined(left, left2) || right_letter {
            return false;
        }
    }
    true
}

/// The shared phrase automaton, built once.
pub(crate) fn lexicon() -> &'static Lexicon {
    static LEXICON: OnceLock<Lexicon> = OnceLock::new();
    LEXICON.get_or_init(Lexicon::build)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The folding as first written, branchy and obvious: the vectorisable
    /// version must give the same bytes.
    fn fold_reference(text: &[u8]) -> Vec<u8> {
        let mut out = vec![MARK];
        out.extend(text.iter().map(u8::to_ascii_lowercase));
        for i in 1..text.len() {
            let word = |c: u8| c.is_ascii_alphanumeric() || c >= 0x80;
            if word(text[i]) && !word(text[i - 1]) {
                out[i] = MARK;
            }
        }
        out
    }

    #[test]
    fn fold_matches_reference() {
        let all: Vec<u8> = (0..=255u8).chain((0..=255u8).rev()).collect();
        for t in [
            &b""[..],
            b"a",
            b" ",
            b"Pt. Maria O'Neil-Smith, DOB 03/04/1961; A1C 9.2%",
            "Müller é  x".as_bytes(),
            &all,
        ] {
            assert_eq!(fold_text(t), fold_reference(t), "{t:?}");
        }
    }

    /// The phrase index finds what aho-corasick finds over the real
    /// phrases, on the labelled mail and the business mail (when present).
    #[test]
    fn phrase_index_agrees_with_aho_corasick_on_real_mail() {
        use crate::phrases::tests::{ours, reference};
        let lex = lexicon();
        let ac = aho_corasick::AhoCorasick::builder()
            .match_kind(aho_corasick::MatchKind::LeftmostLongest)
            .build(lex.phrases.phrases())
            .unwrap();
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut texts = 0;
        for dir in ["testdata/labelled", "../../shared/data/enron-dev"] {
            let Ok(rd) = std::fs::read_dir(root.join(dir)) else {
                continue;
            };
            for e in rd.flatten().take(400) {
                let Ok(m) = crate::message_text(&std::fs::read(e.path()).unwrap(), "X") else {
                    continue;
                };
                for t in [m.subject.unwrap_or_default(), m.body] {
                    let folded = fold_text(t.as_bytes());
                    assert_eq!(
                        ours(&lex.phrases, &folded),
                        reference(&ac, &folded),
                        "{}",
                        e.path().display()
                    );
                    texts += 1;
                }
            }
        }
        assert!(texts > 200, "only {texts} texts compared");
    }

    fn hits(text: &str) -> Vec<(String, Term)> {
        let mut v = Vec::new();
        lexicon().hits(text, |h| v.push((text[h.start..h.end].to_string(), h.term)));
        v
    }

    #[test]
    fn finds_health_terms_at_word_edges_only() {
        let h = hits("Pt with Type 2 Diabetes on metformin; hx of COPD.");
        let words: Vec<_> = h.iter().map(|(w, _)| w.as_str()).collect();
        assert!(
            words
                .iter()
                .any(|w| w.eq_ignore_ascii_case("type 2 diabetes")
                    || w.eq_ignore_ascii_case("diabetes")),
            "{words:?}"
        );
        assert!(words.contains(&"metformin"), "{words:?}");
        assert!(words.contains(&"COPD"), "{words:?}");
        assert!(words.contains(&"Pt"), "{words:?}");
        assert!(hits("prediabetesx").is_empty());
        assert!(hits("WALDEN-RX-0091").is_empty());
        assert!(hits("reactive (HIV-1)").iter().any(|(w, _)| w == "HIV"));
    }

    #[test]
    fn phrases_that_fold_alike_are_each_found_as_written() {
        // Listed both with a hyphen and with a space: one folded phrase.
        for t in ["has end-stage renal disease", "has end stage renal disease"] {
            assert!(
                hits(t).iter().any(|(w, h)| w.ends_with("renal disease")
                    && w.len() > 13
                    && h.health.is_some()),
                "{t}: {:?}",
                hits(t)
            );
        }
    }

    #[test]
    fn upper_case_short_words_are_not_cues() {
        assert!(hits("call at 3 PM PT").iter().all(|(w, _)| w != "PT"));
        // A label in capitals counts with a colon or `#` after it only.
        assert!(hits("on DL 1234 to Atlanta").iter().all(|(w, _)| w != "DL"));
        for form in ["DL: D1234567", "DL# D1234567", "DOS: 03/04/2026"] {
            assert!(hits(form).iter().any(|(_, t)| t.label.is_some()), "{form}");
        }
        assert!(
            hits("tia als").iter().all(|(_, t)| t.health.is_none()),
            "abbreviations are case-exact"
        );
    }

    #[test]
    fn labels_and_titles() {
        let h = hits("MRN: 123 DOB 1/2/60 Dr. Smith fax");
        assert!(h
            .iter()
            .any(|(w, t)| w == "MRN" && t.label == Some(Label::Mrn)));
        assert!(h
            .iter()
            .any(|(w, t)| w == "DOB" && t.label == Some(Label::Dob)));
        assert!(h
            .iter()
            .any(|(w, t)| w == "Dr." && t.title == Some(Title::Provider)));
        assert!(h
            .iter()
            .any(|(w, t)| w == "fax" && t.label == Some(Label::Fax)));
    }
}
