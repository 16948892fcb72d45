namespace EmbedSweeps.Embeddings.Data;

/// <summary>Two sentences and a gold similarity (STS-B: 0–5).</summary>
public sealed record ScoredPair(string Sentence1, string Sentence2, double Score);

/// <summary>A text and its class name (Banking77: an intent such as <c>card_arrival</c>).</summary>
public sealed record LabeledText(string Text, string Label);

/// <summary>A pair with a binary label: 1 = similar / duplicate / paraphrase.</summary>
public sealed record LabeledPair(string Sentence1, string Sentence2, bool Label);

/// <summary>An anchor with a text that should be closer to it (positive) than another (negative).</summary>
public sealed record Triplet(string Anchor, string Positive, string Negative);
