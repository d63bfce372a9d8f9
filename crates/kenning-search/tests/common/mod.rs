pub mod wikispeedia;
