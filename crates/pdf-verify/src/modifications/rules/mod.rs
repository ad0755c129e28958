//! The allow rules, one family a module, applied in order by [`apply`].

mod acroform;
mod catalog;
mod dss;
mod fields;
mod pages;

use super::judge::Judge;

/// Runs every allow rule over one step.
pub(super) fn apply(j: &mut Judge<'_>) {
    catalog::catalog(j);
    catalog::info_and_metadata(j);
    dss::dss(j);
    let outcome = fields::fields(j);
    acroform::acroform(j, outcome.level, outcome.rule);
    pages::pages(j, &outcome);
}
