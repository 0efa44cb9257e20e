//! The finding categories of the `sealpost scan` contract and where a finding was made.

use serde::{Deserialize, Serialize};

/// What kind of PHI a finding is. The names (`snake_case`) are part of the
/// `sealpost scan --json` contract and of the policy schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// A person's name (patient, relative or provider).
    Name,
    /// A street address, PO box, or a city next to a state.
    Address,
    /// A US ZIP code.
    Zip,
    /// A date more precise than a year (birth, admission, discharge, death, service).
    Date,
    /// An age over 89.
    Age,
    /// A telephone number.
    Phone,
    /// A fax number.
    Fax,
    /// An email address.
    Email,
    /// A US Social Security number.
    Ssn,
    /// A medical record number.
    Mrn,
    /// A health-plan member, subscriber or beneficiary id.
    HealthPlanId,
    /// A Medicare Beneficiary Identifier.
    Mbi,
    /// An account number.
    Account,
    /// A payment card number.
    CreditCard,
    /// A licence or certificate number.
    License,
    /// A DEA registration number.
    Dea,
    /// A National Provider Identifier.
    Npi,
    /// A vehicle identification number or licence plate.
    Vehicle,
    /// A device identifier or serial number.
    Device,
    /// A web address.
    Url,
    /// An IP address.
    Ip,
    /// Another labelled identifier (claim, case, patient id).
    OtherId,
    /// A condition or diagnosis.
    Condition,
    /// A medication (brand or generic).
    Medication,
    /// A medical procedure.
    Procedure,
    /// A validated ICD-10-CM code.
    Icd10,
    /// A CPT code in context.
    Cpt,
    /// A lab test or result.
    Lab,
}

/// Every category, in contract order.
pub const ALL_CATEGORIES: [Category; 28] = {
    use Category::*;
    [
        Name,
        Address,
        Zip,
        Date,
        Age,
        Phone,
        Fax,
        Email,
        Ssn,
        Mrn,
        HealthPlanId,
        Mbi,
        Account,
        CreditCard,
        License,
        Dea,
        Npi,
        Vehicle,
        Device,
        Url,
        Ip,
        OtherId,
        Condition,
        Medication,
        Procedure,
        Icd10,
        Cpt,
        Lab,
    ]
};

impl Category {
    /// The contract name, e.g. `health_plan_id`.
    pub fn as_str(self) -> &'static str {
        use Category::*;
        match self {
            Name => "name",
            Address => "address",
            Zip => "zip",
            Date => "date",
            Age => "age",
            Phone => "phone",
            Fax => "fax",
            Email => "email",
            Ssn => "ssn",
            Mrn => "mrn",
            HealthPlanId => "health_plan_id",
            Mbi => "mbi",
            Account => "account",
            CreditCard => "credit_card",
            License => "license",
            Dea => "dea",
            Npi => "npi",
            Vehicle => "vehicle",
            Device => "device",
            Url => "url",
            Ip => "ip",
            OtherId => "other_id",
            Condition => "condition",
            Medication => "medication",
            Procedure => "procedure",
            Icd10 => "icd10",
            Cpt => "cpt",
            Lab => "lab",
        }
    }

    /// Parses a contract name.
    pub fn from_name(name: &str) -> Option<Category> {
        ALL_CATEGORIES.iter().copied().find(|c| c.as_str() == name)
    }

    /// Health context (conditions, drugs, codes, labs) rather than an identifier.
    pub fn is_health(self) -> bool {
        use Category::*;
        matches!(self, Condition | Medication | Procedure | Icd10 | Cpt | Lab)
    }

    /// A medical identifier that is PHI on its own (MRN, health-plan id, MBI).
    pub fn is_strong_medical_id(self) -> bool {
        matches!(self, Category::Mrn | Category::HealthPlanId | Category::Mbi)
    }

    /// Identifies a provider rather than a patient (DEA, NPI): medical context,
    /// not a patient identifier.
    pub fn is_provider_id(self) -> bool {
        matches!(self, Category::Dea | Category::Npi)
    }

    /// What a clinician would call this category, for reports and hover cards.
    pub fn label(self) -> &'static str {
        use Category::*;
        match self {
            Name => "name",
            Address => "address",
            Zip => "ZIP code",
            Date => "date",
            Age => "age over 89",
            Phone => "phone number",
            Fax => "fax number",
            Email => "email address",
            Ssn => "Social Security number",
            Mrn => "medical record number",
            HealthPlanId => "health-plan member id",
            Mbi => "Medicare number (MBI)",
            Account => "account number",
            CreditCard => "payment card number",
            License => "licence or certificate number",
            Dea => "DEA number",
            Npi => "NPI number",
            Vehicle => "vehicle id or plate",
            Device => "device serial number",
            Url => "web address",
            Ip => "IP address",
            OtherId => "identifier",
            Condition => "condition or diagnosis",
            Medication => "medication",
            Procedure => "procedure",
            Icd10 => "ICD-10 diagnosis code",
            Cpt => "CPT procedure code",
            Lab => "lab test or result",
        }
    }
}

impl std::fmt::Display for Category {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which part of a message a finding is in.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Part {
    /// The Subject header (decoded, unfolded).
    Subject,
    /// The decoded body text.
    #[default]
    Body,
}

impl Part {
    /// The contract name.
    pub fn as_str(self) -> &'static str {
        match self {
            Part::Subject => "subject",
            Part::Body => "body",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_match_serde() {
        for c in ALL_CATEGORIES {
            assert_eq!(Category::from_name(c.as_str()), Some(c));
            let json = serde_json::to_string(&c).unwrap();
            assert_eq!(json, format!("\"{}\"", c.as_str()));
        }
        assert_eq!(Category::from_name("nope"), None);
    }

    #[test]
    fn health_and_strong_sets() {
        let health: Vec<_> = ALL_CATEGORIES.iter().filter(|c| c.is_health()).collect();
        assert_eq!(health.len(), 6);
        assert!(Category::Mbi.is_strong_medical_id());
        assert!(!Category::Phone.is_strong_medical_id());
    }
}
