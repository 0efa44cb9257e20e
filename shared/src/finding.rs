//! What a detector found, where, how sure it is and why.

use serde::Serialize;

use crate::category::{Category, Part};

/// One piece of PHI found in a part of a message. Offsets are UTF-8 byte
/// offsets into the decoded part text, end-exclusive.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Finding {
    /// Subject or body.
    pub part: Part,
    /// What was found.
    pub category: Category,
    /// Start byte offset.
    pub start: usize,
    /// End byte offset (exclusive).
    pub end: usize,
    /// How sure the detector is, 0.0–1.0.
    pub confidence: f32,
    /// Why it was flagged.
    #[serde(skip)]
    pub reason: Reason,
}

impl Finding {
    /// A sentence a clinician understands, without the matched text.
    pub fn explanation(&self) -> &'static str {
        self.reason.explain()
    }
}

/// The rule that produced a finding. Each has a plain-language explanation.
#[allow(missing_docs)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Reason {
    NameAfterTitle,
    NameOfProvider,
    NameAfterLabel,
    NamePair,
    NameSurnameFirst,
    NameInSignature,
    /// A name on a From:, To: or Cc: line of a forwarded or quoted message.
    NameInHeader,
    NameInGreeting,
    /// A name followed by an age and a sex ("Sung-min Lee, 54M").
    NameWithAgeSex,
    /// A first name alone in a greeting ("Hi Kelly,").
    NameInGreetingFirst,
    /// A name on the line above a street address (a mailing block).
    NameOverAddress,
    NamePlace,
    NameWithRole,
    DateOfBirth,
    DateNextToName,
    DateOfAdmission,
    DateOfDischarge,
    DateOfDeath,
    DateOfService,
    DatePlain,
    AgeOver89,
    StreetAddress,
    PostBox,
    CityState,
    ZipNextToState,
    ZipLabelled,
    ZipPlusFour,
    Phone,
    Fax,
    TollFree,
    Email,
    Url,
    UrlPlain,
    IpAddress,
    SsnValid,
    SsnLabelled,
    Labelled,
    MbiFormat,
    CardLuhn,
    NpiChecksum,
    DeaChecksum,
    VinChecksum,
    Plate,
    DeviceSerial,
    Icd10Code,
    CptCode,
    CdtCode,
    Condition,
    ConditionAbbrev,
    /// A specialty, clinic or service that says what somebody is treated for.
    Specialty,
    Medication,
    MedicationDose,
    Procedure,
    Lab,
    LabValue,
    VitalSign,
    Imaging,
}

impl Reason {
    /// The explanation shown in reports and hover cards.
    pub fn explain(self) -> &'static str {
        use Reason::*;
        match self {
            NameAfterTitle => "Looks like a person's name (after a title such as Mr. or Mrs.)",
            NameOfProvider => "Looks like a clinician's name (after Dr. or a similar title)",
            NameAfterLabel => {
                "Looks like a patient's name (after a label such as Patient: or Name:)"
            }
            NamePair => "Looks like a person's name: a common first name followed by a surname",
            NameSurnameFirst => "Looks like a person's name written surname first (Lopez, Maria)",
            NameInSignature => {
                "Looks like the sender's name in a sign-off: a patient's only when they write of their own or their family's care"
            }
            NameInHeader => {
                "A correspondent's name on a From, To or Cc line of a forwarded message: not a patient's"
            }
            NameInGreeting => "Looks like the name of the person the message is addressed to",
            NameWithAgeSex => "A name followed by an age and sex (such as 54M), as clinicians write a patient",
            NameOverAddress => "Looks like a person's name above their street address, as in a mailing block",
            NameInGreetingFirst => {
                "The first name the message greets: a patient's when the message speaks of their health"
            }
            NamePlace => {
                "A person's name in the name of a place (a centre, a hall, a fund): weighed lightly"
            }
            NameWithRole => {
                "A name with a job title next to it (staff, an executive, a speaker): weighed lightly"
            }
            DateOfBirth => "Looks like a date of birth",
            DateNextToName => "Looks like a date of birth next to a patient name",
            DateOfAdmission => "Looks like an admission date",
            DateOfDischarge => "Looks like a discharge date",
            DateOfDeath => "Looks like a date of death",
            DateOfService => "Looks like a date of service or appointment",
            DatePlain => {
                "A date: dates tied to a person (a visit, a birth, a stay) count as identifiers"
            }
            AgeOver89 => "An age over 89: HIPAA counts these as identifying",
            StreetAddress => "Looks like a street address",
            PostBox => "Looks like a PO box address",
            CityState => "A city next to a state: part of an address",
            ZipNextToState => "A ZIP code next to a state",
            ZipLabelled => "A ZIP code (after ZIP)",
            ZipPlusFour => "A ZIP+4 code",
            Phone => "Looks like a phone number",
            Fax => "Looks like a fax number",
            Email => "An email address",
            TollFree => "A toll-free number: an organisation's line, weighed lightly",
            Url => {
                "A web address with a record number in it, which can point to a patient's records"
            }
            UrlPlain => "A web address (no record number in it, weighed lightly)",
            IpAddress => "An IP address",
            SsnValid => "Looks like a Social Security number (valid SSA format)",
            SsnLabelled => "A Social Security number (after SSN)",
            Labelled => "An identifier after a label that names it",
            MbiFormat => "Matches the Medicare Beneficiary Identifier format",
            CardLuhn => "A payment card number (passes the card checksum)",
            NpiChecksum => "A National Provider Identifier (passes the NPI checksum)",
            DeaChecksum => "A DEA registration number (passes the DEA check digit)",
            VinChecksum => "A vehicle identification number (passes the VIN check digit)",
            Plate => "A licence plate number",
            DeviceSerial => "A device serial number (after Serial or S/N)",
            Icd10Code => "A valid ICD-10-CM diagnosis code",
            CptCode => "A CPT procedure code",
            CdtCode => "A CDT dental procedure code",
            Condition => "Names a medical condition or diagnosis",
            ConditionAbbrev => "A clinical abbreviation for a condition, test or procedure",
            Specialty => {
                "Names a medical specialty or service: a visit there says what someone is treated for"
            }
            Medication => "Names a medication",
            MedicationDose => "Names a medication with its dose",
            Procedure => "Names a medical procedure",
            Lab => "Names a lab test",
            LabValue => "A lab test with a result",
            VitalSign => "A vital sign with its reading (blood pressure, temperature, pulse)",
            Imaging => "Names an imaging study of a body part (CT, MRI, X-ray)",
        }
    }
}
