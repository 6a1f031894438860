"""Data files shipped with the analyzer: cue lexicon, topic taxonomy, trained model."""
