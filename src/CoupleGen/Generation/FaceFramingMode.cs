namespace CoupleGen.Generation;

/// <summary>When <see cref="PartnerGenerator"/> finds and frames the face of its input (see <see cref="Faces.FaceFramer"/>).</summary>
public enum FaceFramingMode
{
    /// <summary>
    /// Frame the photos given to <see cref="PartnerGenerator.GeneratePortrait(SixLabors.ImageSharp.Image)"/> and its overloads
    /// (arbitrary photos), and take the inputs of <see cref="PartnerGenerator.Generate(SixLabors.ImageSharp.Image)"/> and its
    /// overloads as already framed (crops like the training pairs, or the output of a <see cref="Faces.FaceFramer"/>).
    /// </summary>
    Auto,

    /// <summary>Frame every input, including those of <c>Generate</c>; an input without a face is a <see cref="Errors.NoFaceFoundException"/>.</summary>
    Always,

    /// <summary>Frame nothing: every input is only fitted to the model's size (<see cref="PartnerGeneratorOptions.ResizeMode"/>), as before face framing existed.</summary>
    Never,
}
