//! Prometheus metrics of what users feel (issue 26), one concept per file: [`names`] (every
//! metric, its labels and buckets, in one table), [`recorder`] (the process's recorder,
//! installed when `[metrics]` is configured), [`answer_meter`] (what one answer records where
//! its turn ends), [`record`] (refusals, sign-ins, database writes, Redis commands, open
//! connections), [`process`] (RSS, CPU, open fds from `/proc`), [`route`] (`GET /metrics`,
//! behind the bearer token on the main port) and [`listener`] (the `[metrics] addr` listener).

pub mod answer_meter;
pub mod listener;
pub mod names;
pub mod process;
pub mod record;
pub mod recorder;
pub mod route;
