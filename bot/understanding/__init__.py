"""Understanding a message: text folding, the vocabulary (lexicon), language detection, intent and item matching."""
