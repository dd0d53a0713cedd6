def read_sentences(article):
    pass
