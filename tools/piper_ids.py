"""Phoneme text and Piper ids for sentences, using Piper's own phonemizer (test oracle only).

Reads sentences (one per line) on stdin; prints one JSON object per line:
{"text": ..., "phonemes": ..., "ids": [...]}. Ids follow piper-tts 1.8.0
(`piper.phoneme_ids.phonemes_to_ids`): ^ _ p1 _ ... pn _ $ over NFD codepoints, with the
sentences of a line joined by a space into one utterance, as Piper phonemizes them.
"""
import json
import sys
import unicodedata

from piper_phonemize import phonemize_espeak


def phoneme_ids(phonemes, id_map):
    ids = list(id_map["^"]) + list(id_map["_"])
    for c in unicodedata.normalize("NFD", phonemes):
        if c in id_map:
            ids += id_map[c] + id_map["_"]
    return ids + list(id_map["$"])


def main():
    config = json.load(open(sys.argv[1], encoding="utf-8"))
    id_map = config["phoneme_id_map"]
    voice = config["espeak"]["voice"]
    for line in sys.stdin:
        text = line.strip()
        if not text:
            continue
        phonemes = " ".join("".join(s) for s in phonemize_espeak(text, voice))
        print(json.dumps({"text": text, "phonemes": phonemes, "ids": phoneme_ids(phonemes, id_map)}, ensure_ascii=False))


if __name__ == "__main__":
    main()
