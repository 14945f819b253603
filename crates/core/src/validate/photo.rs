//! Profile photos: PNG, JPEG or WebP, at most 5 MiB, and the bytes must be what the type says.

use crate::error::{Code, Error};

/// Largest photo accepted.
pub const MAX_PHOTO_BYTES: usize = 5 * 1024 * 1024;

/// The accepted media types.
pub const PHOTO_TYPES: [&str; 3] = ["image/png", "image/jpeg", "image/webp"];

/// Checks what a browser knows before uploading: the declared type and the size.
pub fn check_photo_meta(content_type: &str, size: usize) -> Result<&'static str, Error> {
    let declared = content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    let Some(t) = PHOTO_TYPES.into_iter().find(|t| *t == declared) else {
        return Err(Error::field(Code::UnsupportedMediaType, "photo"));
    };
    if size == 0 || size > MAX_PHOTO_BYTES {
        return Err(Error::field(if size == 0 { Code::InvalidPhoto } else { Code::PayloadTooLarge }, "photo"));
    }
    Ok(t)
}

/// Checks an uploaded photo: type and size, then the file signature against the type.
pub fn check_photo(content_type: &str, bytes: &[u8]) -> Result<&'static str, Error> {
    let declared = check_photo_meta(content_type, bytes.len())?;
    let actual = if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some("image/webp")
    } else {
        None
    };
    if actual == Some(declared) {
        Ok(declared)
    } else {
        Err(Error::field(Code::InvalidPhoto, "photo"))
    }
}

/// The photo without its metadata: EXIF (camera, time, often GPS), XMP, IPTC and PNG text
/// chunks are removed before a photo is stored, so a profile picture cannot publish where
/// and when it was taken. A file whose container cannot be parsed is refused.
pub fn strip_photo_metadata(declared: &str, bytes: &[u8]) -> Result<Vec<u8>, Error> {
    use img_parts::jpeg::{markers, Jpeg};
    use img_parts::png::Png;
    use img_parts::webp::WebP;
    use img_parts::{Bytes, ImageEXIF};
    let invalid = || Error::field(Code::InvalidPhoto, "photo");
    let b = Bytes::copy_from_slice(bytes);
    let out = match declared {
        "image/jpeg" => {
            let mut jpeg = Jpeg::from_bytes(b).map_err(|_| invalid())?;
            jpeg.remove_segments_by_marker(markers::APP1); // EXIF and XMP
            jpeg.remove_segments_by_marker(markers::APP13); // IPTC
            jpeg.encoder().bytes()
        }
        "image/png" => {
            let mut png = Png::from_bytes(b).map_err(|_| invalid())?;
            png.set_exif(None);
            png.chunks_mut().retain(|c| !matches!(&c.kind(), b"tEXt" | b"zTXt" | b"iTXt" | b"tIME" | b"eXIf"));
            png.encoder().bytes()
        }
        "image/webp" => {
            let mut webp = WebP::from_bytes(b).map_err(|_| invalid())?;
            webp.set_exif(None);
            webp.remove_chunks_by_id(*b"XMP ");
            webp.encoder().bytes()
        }
        _ => return Err(Error::field(Code::UnsupportedMediaType, "photo")),
    };
    Ok(out.to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn photos() {
        assert_eq!(check_photo("image/png", b"\x89PNG\r\n\x1a\n...."), Ok("image/png"));
        assert_eq!(check_photo("image/jpeg; q=1", &[0xFF, 0xD8, 0xFF, 0xE0]), Ok("image/jpeg"));
        assert_eq!(check_photo("image/webp", b"RIFF\0\0\0\0WEBPVP8 "), Ok("image/webp"));
        assert_eq!(check_photo("image/png", b"not an image").map_err(|e| e.code), Err(Code::InvalidPhoto));
        assert_eq!(check_photo("image/gif", b"GIF89a").map_err(|e| e.code), Err(Code::UnsupportedMediaType));
        assert_eq!(check_photo_meta("image/png", MAX_PHOTO_BYTES + 1).map_err(|e| e.code), Err(Code::PayloadTooLarge));
        assert_eq!(check_photo_meta("image/png", 0).map_err(|e| e.code), Err(Code::InvalidPhoto));
    }

    /// A minimal JPEG: SOI, APP0 (JFIF), APP1 (EXIF with a GPS-looking payload), EOI.
    fn jpeg_with_exif() -> Vec<u8> {
        let mut v = vec![0xFF, 0xD8];
        v.extend([0xFF, 0xE0, 0x00, 0x10]);
        v.extend(b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0");
        let exif: &[u8] = b"Exif\0\0MM\0*GPS 48.8584N 2.2945E";
        v.extend([0xFF, 0xE1, 0x00, (exif.len() + 2) as u8]);
        v.extend(exif);
        v.extend([0xFF, 0xD9]);
        v
    }

    #[test]
    fn metadata_is_stripped_and_the_image_kept() {
        let src = jpeg_with_exif();
        assert!(src.windows(4).any(|w| w == b"Exif"));
        let out = strip_photo_metadata("image/jpeg", &src).unwrap();
        assert!(!out.windows(4).any(|w| w == b"Exif"), "the EXIF segment is gone");
        assert!(!out.windows(3).any(|w| w == b"GPS"));
        assert!(out.windows(4).any(|w| w == b"JFIF"), "the rest stays");
        assert_eq!(check_photo("image/jpeg", &out), Ok("image/jpeg"));
        assert_eq!(
            strip_photo_metadata("image/png", b"\x89PNG\r\n\x1a\nnot chunks").map_err(|e| e.code),
            Err(Code::InvalidPhoto)
        );
    }
}
