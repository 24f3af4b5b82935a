"""Markdown that stalls naive parsers, and a realistic post of the same length to compare with.

Every generator returns exactly `length` characters, so that each input can be timed against
`realistic_post(length)`: the budget is a ratio, which holds on a slow or a busy machine alike.
"""

import random

LENGTH = 50_000  # the longest post the form accepts (Post.content max_length)


def repeat(unit: str, length: int) -> str:
    return (unit * (length // len(unit) + 1))[:length]


def nested(opening: str, middle: str, closing: str, length: int) -> str:
    """opening * k + middle + closing * k, padded with spaces to exactly `length`."""
    depth = (length - len(middle)) // (len(opening) + len(closing))
    text = opening * depth + middle + closing * depth
    return text + " " * (length - len(text))


def indented_list(length: int) -> str:
    lines, depth = [], 0
    while sum(map(len, lines)) < length:
        lines.append("  " * depth + "- item\n")
        depth += 1
    return "".join(lines)[:length]


def increasing_backticks(length: int) -> str:
    parts, count = [], 1
    while sum(map(len, parts)) < length:
        parts.append("`" * count + "a")
        count += 1
    return "".join(parts)[:length]


PATHOLOGICAL = {
    "open brackets": lambda n: "[" * n,
    "close brackets": lambda n: "]" * n,
    "open images": lambda n: repeat("![", n),
    "unclosed link targets": lambda n: repeat("[a](", n),
    "unclosed link titles": lambda n: repeat('[a](b "', n),
    "nested links": lambda n: nested("[a](", "b", ")", n),
    "nested brackets": lambda n: nested("[", "a", "]", n),
    "brackets with emphasis": lambda n: repeat("[*", n),
    "brackets with backticks": lambda n: repeat("[`", n),
    "setext headings": lambda n: repeat("a\n=\n", n),
    "setext underlines": lambda n: repeat("a\n" + "-" * 20 + "\n", n),
    "atx headings": lambda n: repeat("# a\n", n),
    "unclosed autolinks": lambda n: repeat("<http://a", n),
    "unclosed autolink schemes": lambda n: repeat("<a:", n),
    "unclosed emails": lambda n: repeat("<a@b", n),
    "open emphasis": lambda n: repeat("*a ", n),
    "open strong": lambda n: repeat("**a ", n),
    "open underscores": lambda n: repeat("_a ", n),
    "mixed emphasis": lambda n: repeat("*a **b _c __d ", n),
    "nested emphasis": lambda n: nested("*a ", "b", " c*", n),
    "asterisks": lambda n: "*" * n,
    "strikethrough": lambda n: repeat("~~a ", n),
    "nested blockquotes": lambda n: ">" * n,
    "nested blockquote lines": lambda n: repeat("> " * 40 + "a\n", n),
    "nested lists": lambda n: repeat("- ", n),
    "indented lists": indented_list,
    "ordered lists": lambda n: repeat("1. ", n),
    "backticks": lambda n: "`" * n,
    "unbalanced backticks": lambda n: repeat("`a``", n),
    "increasing backticks": increasing_backticks,
    "unclosed fences": lambda n: repeat("```\n", n),
    "link reference definitions": lambda n: repeat("[a]: /u\n", n),
    "link reference uses": lambda n: "[a]: /u\n" + repeat("[a]\n", n - 8),
    "reference-like labels": lambda n: repeat("[a]:", n),
    "unclosed html tags": lambda n: repeat("<a ", n),
    "unclosed html attributes": lambda n: repeat('<a b="', n),
    "unclosed html comments": lambda n: repeat("<!--", n),
    "html blocks": lambda n: repeat("<div>\n", n),
    "entities": lambda n: repeat("&#", n),
    "table columns": lambda n: repeat("|a", n // 2) + "\n" + repeat("|-", n - n // 2 - 1),
    "table rows": lambda n: "|a|b|\n|-|-|\n" + repeat("|x|y|\n", n - 12),
    "table pipes": lambda n: "a|b\n-|-\n" + "|" * (n - 8),
    "escapes": lambda n: repeat("\\", n),
    "thematic breaks": lambda n: repeat("- - -\n", n),
    "hard line breaks": lambda n: repeat("a  \n", n),
}

WORDS = [
    "river", "bank", "stone", "light", "morning", "water", "garden", "road", "window", "winter",
    "paper", "kettle", "bread", "harbour", "market", "lantern", "village", "orchard", "meadow",
    "bridge", "story", "letter", "candle", "evening",
]  # fmt: skip


def sentence(rng: random.Random) -> str:
    words = rng.choices(WORDS, k=rng.randint(6, 14))
    decorations = [
        lambda w: f"**{w}**",
        lambda w: f"_{w}_",
        lambda w: f"`{w}`",
        lambda w: f"[{w}](https://example.com/{w})",
        lambda w: f"~~{w}~~",
    ]
    index = rng.randrange(len(words))
    words[index] = rng.choice(decorations)(words[index])
    return " ".join(words).capitalize() + "."


def section(rng: random.Random, number: int) -> str:
    paragraph = " ".join(sentence(rng) for _ in range(rng.randint(3, 6)))
    items = "\n".join(f"- {sentence(rng)}" for _ in range(3))
    return "\n\n".join(
        [
            f"## Part {number}: {rng.choice(WORDS)}",
            paragraph,
            f"{items}\n  - {sentence(rng)}",
            f"> {sentence(rng)}",
            f"![{rng.choice(WORDS)}](/media/blog/{number}/display.jpg)",
            "```python\nfor line in open('notes.txt'):\n    print(line.strip())\n```",
            "| day | walk |\n|-----|------|\n| Mon | 5 km |\n| Tue | 8 km |",
            " ".join(sentence(rng) for _ in range(rng.randint(2, 4))),
        ]
    )


def realistic_post(length: int = LENGTH) -> str:
    """Headings, paragraphs with emphasis, links and code, lists, quotes, images and tables."""
    rng = random.Random(length)
    sections, number = [], 1
    while sum(len(s) + 2 for s in sections) < length:
        sections.append(section(rng, number))
        number += 1
    return "\n\n".join(sections)[:length]
