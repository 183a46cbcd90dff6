namespace CoupleGen.Faces;

/// <summary>What <see cref="FaceFramer"/> does with the photo's own background around a framed face.</summary>
public enum FramingBackground
{
    /// <summary>The framed face keeps the photo's background (walls, flags, scenery); only where the photo ends does <see cref="FaceFraming.Background"/> show.</summary>
    Keep,

    /// <summary>
    /// Everything behind the person becomes <see cref="FaceFraming.Background"/>, the training crops' uniform red, so
    /// the generator sees the backdrop it was trained on. The person is found by MediaPipe's selfie segmentation
    /// (embedded, Apache 2.0), run at 256x256 on the framed face; its probability mask, scaled up bilinearly, is
    /// the alpha of a soft blend, so hair and shoulders keep smooth edges. Costs one small network run per face
    /// (about 0.25 s on a busy 2-core CPU).
    /// </summary>
    Replace,
}
