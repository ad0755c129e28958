//! Message wording: roles are built in English and given in Vietnamese here.

pub(super) fn vi_role(role: &str) -> String {
    // Roles are built in English; give the common ones in Vietnamese.

    role.replace("the document catalog", "danh mục tài liệu (catalog)")
        .replace("the trailer", "phần trailer")
        .replace("the page tree", "cây trang")
        .replace("the interactive form (/AcroForm)", "biểu mẫu (/AcroForm)")
        .replace("the document security store (/DSS)", "kho dữ liệu xác thực (/DSS)")
        .replace("the content stream of page", "luồng nội dung của trang")
        .replace("a content stream of page", "một luồng nội dung của trang")
        .replace("the resources of page", "tài nguyên của trang")
        .replace("the annotation list of page", "danh sách chú thích của trang")
        .replace("the widget of form field", "ô hiển thị của trường")
        .replace("the signature dictionary of field", "từ điển chữ ký của trường")
        .replace("form field", "trường biểu mẫu")
        .replace(" used on page ", " dùng trên trang ")
        .replace(" annotation on page ", " chú thích trên trang ")
        .replace("an object", "một đối tượng")
        .replace("page ", "trang ")
        .replace("object ", "đối tượng ")
}
