namespace EmbedSweeps.Embeddings.Evaluation;

/// <summary>Scores a sentence encoder on one task; the trainer and the CLI treat all evaluators alike.</summary>
public interface ISentenceEvaluator
{
    string Name { get; }

    EvaluationResult Evaluate(SentenceEncoder encoder);
}
