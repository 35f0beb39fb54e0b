package checkout

import (
	"regexp"
	"strings"

	"storefront/internal/platform/httpx"
)

// Address is a delivery address.
type Address struct {
	Name       string `json:"name"`
	Line1      string `json:"line1"`
	Line2      string `json:"line2"`
	City       string `json:"city"`
	Region     string `json:"region"`
	PostalCode string `json:"postal_code"`
	Country    string `json:"country"`
}

// AddressFormat is how one country writes addresses: whether it has regions (states, provinces, prefectures)
// and which, and the shape of its postal codes.
type AddressFormat struct {
	// Regions are the subdivisions to choose from (code → name); nil when the country does not use them.
	Regions []Region
	// RegionLabel is the message ID naming the subdivision ("checkout.State", "checkout.Province"…).
	RegionLabel string
	// Postal validates a postal code after normalization; nil when the country has none.
	Postal *regexp.Regexp
	// PostalExample is shown as a hint.
	PostalExample string
	// normalize tidies a postal code before validation (upper case, spacing).
	normalize func(string) string
}

// Region is a state, province, prefecture or emirate.
type Region struct {
	Code string
	Name string
}

func upperTrim(s string) string { return strings.ToUpper(strings.TrimSpace(s)) }

func compactSpaces(s string) string { return strings.Join(strings.Fields(upperTrim(s)), " ") }

var addressFormats = map[string]AddressFormat{
	"US": {Regions: usStates, RegionLabel: "checkout.State", Postal: regexp.MustCompile(`^\d{5}(-\d{4})?$`), PostalExample: "94103", normalize: upperTrim},
	"CA": {Regions: caProvinces, RegionLabel: "checkout.Province", Postal: regexp.MustCompile(`^[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z] \d[ABCEGHJ-NPRSTV-Z]\d$`),
		PostalExample: "M5V 3L9", normalize: func(s string) string {
			s = strings.ReplaceAll(upperTrim(s), " ", "")
			if len(s) == 6 {
				return s[:3] + " " + s[3:]
			}
			return s
		}},
	"GB": {Postal: regexp.MustCompile(`^[A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2}$`), PostalExample: "SW1A 1AA", normalize: func(s string) string {
		s = strings.ReplaceAll(upperTrim(s), " ", "")
		if len(s) >= 5 {
			return s[:len(s)-3] + " " + s[len(s)-3:]
		}
		return s
	}},
	"DE": {Postal: regexp.MustCompile(`^\d{5}$`), PostalExample: "10115", normalize: upperTrim},
	"FR": {Postal: regexp.MustCompile(`^\d{5}$`), PostalExample: "75001", normalize: upperTrim},
	"IT": {Postal: regexp.MustCompile(`^\d{5}$`), PostalExample: "00184", normalize: upperTrim},
	"ES": {Postal: regexp.MustCompile(`^\d{5}$`), PostalExample: "28013", normalize: upperTrim},
	"NL": {Postal: regexp.MustCompile(`^\d{4} [A-Z]{2}$`), PostalExample: "1012 JS", normalize: func(s string) string {
		s = strings.ReplaceAll(upperTrim(s), " ", "")
		if len(s) == 6 {
			return s[:4] + " " + s[4:]
		}
		return s
	}},
	"IE": {Postal: regexp.MustCompile(`^[AC-FHKNPRTV-Y]\d{2}|D6W [0-9AC-FHKNPRTV-Y]{4}$`), PostalExample: "D02 X285", normalize: func(s string) string {
		s = strings.ReplaceAll(upperTrim(s), " ", "")
		if len(s) == 7 {
			return s[:3] + " " + s[3:]
		}
		return s
	}},
	"CH": {Postal: regexp.MustCompile(`^\d{4}$`), PostalExample: "8001", normalize: upperTrim},
	"NO": {Postal: regexp.MustCompile(`^\d{4}$`), PostalExample: "0150", normalize: upperTrim},
	"AU": {Regions: auStates, RegionLabel: "checkout.State", Postal: regexp.MustCompile(`^\d{4}$`), PostalExample: "2000", normalize: upperTrim},
	"NZ": {Postal: regexp.MustCompile(`^\d{4}$`), PostalExample: "1010", normalize: upperTrim},
	"JP": {Regions: jpPrefectures, RegionLabel: "checkout.Prefecture", Postal: regexp.MustCompile(`^\d{3}-\d{4}$`), PostalExample: "100-0001",
		normalize: func(s string) string {
			s = strings.NewReplacer("〒", "", "−", "-", "ー", "-", " ", "").Replace(upperTrim(s))
			if len(s) == 7 && !strings.Contains(s, "-") {
				return s[:3] + "-" + s[3:]
			}
			return s
		}},
	"SG": {Postal: regexp.MustCompile(`^\d{6}$`), PostalExample: "018956", normalize: upperTrim},
	"KR": {Postal: regexp.MustCompile(`^\d{5}$`), PostalExample: "04524", normalize: upperTrim},
	"AE": {Regions: aeEmirates, RegionLabel: "checkout.Emirate"},
}

// FormatFor returns the address format of a country; countries without one get a free-form format.
func FormatFor(country string) AddressFormat {
	if f, ok := addressFormats[country]; ok {
		return f
	}
	return AddressFormat{normalize: compactSpaces}
}

// Validate normalizes the address and reports every problem as field errors; country must be one the market
// serves.
func (a *Address) Validate(allowedCountries []string) httpx.FieldErrors {
	var fe httpx.FieldErrors
	a.Name, a.Line1, a.Line2, a.City = strings.TrimSpace(a.Name), strings.TrimSpace(a.Line1), strings.TrimSpace(a.Line2), strings.TrimSpace(a.City)
	a.Country = upperTrim(a.Country)
	if !containsString(allowedCountries, a.Country) {
		fe.Add("country", "checkout.CountryNotServed", nil)
		return fe
	}
	if l := len([]rune(a.Name)); l < 2 || l > 100 {
		fe.Add("name", "checkout.NameRequired", nil)
	}
	if l := len([]rune(a.Line1)); l < 3 || l > 120 {
		fe.Add("line1", "checkout.StreetRequired", nil)
	}
	if len([]rune(a.Line2)) > 120 {
		fe.Add("line2", "checkout.TooLong", nil)
	}
	if l := len([]rune(a.City)); l < 2 || l > 80 {
		fe.Add("city", "checkout.CityRequired", nil)
	}
	f := FormatFor(a.Country)
	if f.Regions != nil {
		a.Region = upperTrim(a.Region)
		ok := false
		for _, r := range f.Regions {
			ok = ok || r.Code == a.Region
		}
		if !ok {
			fe.Add("region", "checkout.RegionRequired", nil)
		}
	} else {
		a.Region = ""
	}
	if f.Postal != nil {
		a.PostalCode = f.normalize(a.PostalCode)
		if !f.Postal.MatchString(a.PostalCode) {
			fe.Add("postal_code", "checkout.PostalInvalid", map[string]any{"Example": f.PostalExample})
		}
	} else {
		a.PostalCode = compactSpaces(a.PostalCode)
	}
	return fe
}

var phonePattern = regexp.MustCompile(`^\+?[0-9 ()./-]{6,20}$`)

// validPhone accepts international and national phone numbers as people type them.
func validPhone(s string) bool {
	digits := 0
	for _, r := range s {
		if r >= '0' && r <= '9' {
			digits++
		}
	}
	return phonePattern.MatchString(strings.TrimSpace(s)) && digits >= 6 && digits <= 15
}

var usStates = regions("AL Alabama;AK Alaska;AZ Arizona;AR Arkansas;CA California;CO Colorado;CT Connecticut;DE Delaware;" +
	"DC District of Columbia;FL Florida;GA Georgia;HI Hawaii;ID Idaho;IL Illinois;IN Indiana;IA Iowa;KS Kansas;KY Kentucky;" +
	"LA Louisiana;ME Maine;MD Maryland;MA Massachusetts;MI Michigan;MN Minnesota;MS Mississippi;MO Missouri;MT Montana;" +
	"NE Nebraska;NV Nevada;NH New Hampshire;NJ New Jersey;NM New Mexico;NY New York;NC North Carolina;ND North Dakota;OH Ohio;" +
	"OK Oklahoma;OR Oregon;PA Pennsylvania;PR Puerto Rico;RI Rhode Island;SC South Carolina;SD South Dakota;TN Tennessee;TX Texas;UT Utah;" +
	"VT Vermont;VA Virginia;WA Washington;WV West Virginia;WI Wisconsin;WY Wyoming")

var caProvinces = regions("AB Alberta;BC British Columbia;MB Manitoba;NB New Brunswick;NL Newfoundland and Labrador;" +
	"NS Nova Scotia;NT Northwest Territories;NU Nunavut;ON Ontario;PE Prince Edward Island;QC Québec;SK Saskatchewan;YT Yukon")

var auStates = regions("ACT Australian Capital Territory;NSW New South Wales;NT Northern Territory;QLD Queensland;" +
	"SA South Australia;TAS Tasmania;VIC Victoria;WA Western Australia")

var aeEmirates = regions("AZ Abu Dhabi;AJ Ajman;DU Dubai;FU Fujairah;RK Ras Al Khaimah;SH Sharjah;UQ Umm Al Quwain")

var jpPrefectures = regions("01 北海道 Hokkaido;02 青森県 Aomori;03 岩手県 Iwate;04 宮城県 Miyagi;05 秋田県 Akita;06 山形県 Yamagata;" +
	"07 福島県 Fukushima;08 茨城県 Ibaraki;09 栃木県 Tochigi;10 群馬県 Gunma;11 埼玉県 Saitama;12 千葉県 Chiba;13 東京都 Tokyo;" +
	"14 神奈川県 Kanagawa;15 新潟県 Niigata;16 富山県 Toyama;17 石川県 Ishikawa;18 福井県 Fukui;19 山梨県 Yamanashi;20 長野県 Nagano;" +
	"21 岐阜県 Gifu;22 静岡県 Shizuoka;23 愛知県 Aichi;24 三重県 Mie;25 滋賀県 Shiga;26 京都府 Kyoto;27 大阪府 Osaka;28 兵庫県 Hyogo;" +
	"29 奈良県 Nara;30 和歌山県 Wakayama;31 鳥取県 Tottori;32 島根県 Shimane;33 岡山県 Okayama;34 広島県 Hiroshima;35 山口県 Yamaguchi;" +
	"36 徳島県 Tokushima;37 香川県 Kagawa;38 愛媛県 Ehime;39 高知県 Kochi;40 福岡県 Fukuoka;41 佐賀県 Saga;42 長崎県 Nagasaki;" +
	"43 熊本県 Kumamoto;44 大分県 Oita;45 宮崎県 Miyazaki;46 鹿児島県 Kagoshima;47 沖縄県 Okinawa")

// regions parses "CODE Name;CODE Name".
func regions(s string) []Region {
	var out []Region
	for _, part := range strings.Split(s, ";") {
		code, name, _ := strings.Cut(strings.TrimSpace(part), " ")
		out = append(out, Region{Code: code, Name: name})
	}
	return out
}
