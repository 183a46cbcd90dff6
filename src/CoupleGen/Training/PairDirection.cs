namespace CoupleGen.Training;

/// <summary>Which half of a side-by-side pair is the input, as pix2pix's <c>--direction</c>.</summary>
public enum PairDirection
{
    /// <summary>Input = A (left), target = B (right). pix2pix default.</summary>
    AToB,

    /// <summary>Input = B (right), target = A (left). CoupleGenerator's choice for its couple crops.</summary>
    BToA,
}
