using System;
using CoupleGen.Faces;
using CoupleGen.Models;
using CoupleGen.Training;

namespace CoupleGen.Evaluation;

/// <summary>How <see cref="QualityEvaluator.Evaluate"/> reads pairs and what it writes.</summary>
public sealed record QualityEvaluationOptions
{
    /// <summary>Gets which half of a pair is the input. Default: <see cref="PairDirection.BToA"/> (CoupleGenerator's layout).</summary>
    public PairDirection Direction { get; init; } = PairDirection.BToA;

    /// <summary>
    /// Gets the network for the perceptual distance column (mean over its taps of the mean squared
    /// feature difference): VGG16 (<see cref="Models.Vgg.VggFeatures"/>) or ResNet18
    /// (<see cref="Models.ResNet.ResNetFeatures"/>), or <see langword="null"/> to leave the column out.
    /// The caller keeps ownership. Default: <see langword="null"/>.
    /// </summary>
    public FeatureExtractor? Perceptual { get; init; }

    /// <summary>
    /// Gets a value indicating whether outputs are judged as faces: sex agreement, age gap, identity similarity
    /// and partner rank, and the baselines that need sex or identity (<see cref="QualityEvaluator.MeanPartnerOfSex"/>,
    /// <see cref="QualityEvaluator.Retrieval"/>, <see cref="QualityEvaluator.RandomPartnerOfSex"/>). Default: <see langword="true"/>.
    /// </summary>
    public bool FaceMeasures { get; init; } = true;

    /// <summary>Gets the sex and age estimator to judge faces with, or <see langword="null"/> for one on the CPU made for the call. The caller keeps ownership. Default: <see langword="null"/>.</summary>
    public FaceAttributeEstimator? AttributeEstimator { get; init; }

    /// <summary>Gets the identity embedder to judge faces with, or <see langword="null"/> for one on the CPU made for the call. The caller keeps ownership. Default: <see langword="null"/>.</summary>
    public FaceEmbedder? Embedder { get; init; }

    /// <summary>Gets the seed of the <see cref="QualityEvaluator.RandomPartnerOfSex"/> baseline's choices. Default: 0.</summary>
    public int Seed { get; init; }

    /// <summary>Gets where to write a contact sheet (input | generated | retrieval | real; mean partner for retrieval without face measures), or <see langword="null"/> for none. Default: <see langword="null"/>.</summary>
    public string? ContactSheetPath { get; init; }

    /// <summary>Gets the most rows the contact sheet shows. Default: 8.</summary>
    public int ContactSheetRows { get; init; } = 8;

    /// <summary>Checks every value.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    public void Validate()
    {
        if (ContactSheetRows is < 1 or > 1000)
        {
            throw new ArgumentOutOfRangeException(nameof(ContactSheetRows), ContactSheetRows, "ContactSheetRows must be between 1 and 1000.");
        }
    }
}
