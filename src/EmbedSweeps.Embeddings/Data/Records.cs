namespace EmbedSweeps.Embeddings.Data;

/// <summary>Two sentences and a gold similarity (STS-B: 0–5).</summary>
public sealed record ScoredPair(string Sentence1, string Sentence2, double Score);

/// <summary>A text and its class name (Banking77: an intent such as <c>card_arrival</c>).</summary>
public sealed record LabeledText(string Text, string Label);
