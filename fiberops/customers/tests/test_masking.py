"""Masking of personal information (R-CUS-5)."""

from fiberops.core.masking import mask_address, mask_phone


def test_r_cus_5_mobile_numbers_keep_the_first_three_and_last_four_digits():
    assert mask_phone("13812341234") == "138****1234"
    assert mask_phone("028-85123456") == "028****3456"
    assert mask_phone("12345") == "*****"


def test_r_cus_5_addresses_keep_only_the_district():
    masked = mask_address("成都市武侯区红牌楼街道佳灵路3号2栋1单元502")
    assert masked.startswith("成都市武侯区")
    assert "佳灵路" not in masked and "502" not in masked
