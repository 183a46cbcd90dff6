namespace CoupleGen.Export;

/// <summary>The number format of an exported generator's weights.</summary>
public enum ExportPrecision
{
    /// <summary>32-bit floats: outputs equal the checkpoint's.</summary>
    Fp32,

    /// <summary>
    /// bfloat16: half the size. Weights are rounded to 8 significant bits, so outputs differ from the checkpoint's by
    /// a few levels of 255; loaded for FP32 generation, the weights are widened again. CoupleGen files only.
    /// </summary>
    BFloat16,
}
