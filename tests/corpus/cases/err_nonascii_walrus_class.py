class Ｃ:
    ｖalues = ["é" for é in range(3) if (ｙ := é)]
