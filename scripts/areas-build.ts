/**
 * One-off: how reference/provinces.json and reference/old-provinces.json were made. The
 * administrative areas used to be built at module load from these specs and a fixed
 * internal seed (communes and pre-2025 units partly generated); the result is now data.
 * `npx tsx scripts/areas-build.ts` writes the files again (identical output);
 * test/reference/areas.test.ts checks the committed files against this build.
 *
 * - Today's 34 provinces / centrally-run cities (since 1 July 2025) with their real
 *   2-digit codes and names, each with 10–40 communes/wards. A handful of ward and
 *   commune names per province are real post-2025 names; the rest are plausible
 *   generated names. **Commune codes are mock** (not the official codes): 5 digits,
 *   `<province code><0><2 digits>`, so a commune code starts with its province code.
 * - The 63 pre-2025 provinces with their real 2-digit area codes and the 3-digit
 *   codes used in personal ID numbers (birth registration); population weights are
 *   approximate (2023, millions).
 * - Pre-2025 districts and communes ("legacy" units, as older records carry them),
 *   each mapped to the today's commune it was merged into. District and legacy
 *   commune codes are mock: district `<old province code><1-9>`, legacy commune
 *   `<district code><2 digits>` (third digit 1–9, so they never collide with today's
 *   commune codes).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Rng, weighted } from '../mockdata/generator/prng';
import {
  toData,
  type Commune,
  type CommuneKind,
  type OldProvince,
  type Province,
  type Region,
} from '../reference/areas';

type OldSpec = [idCode: string, name: string, population: number, capital: string, extraDistricts?: string[]];

interface ProvinceSpec {
  code: string;
  name: string;
  city?: boolean;
  region: Region;
  old: OldSpec[];
  /** Real communes, "Name#oldIdCode" (oldIdCode optional: the first old province). */
  real: string[];
  eth?: Array<[string, number]>;
}

const SPECS: ProvinceSpec[] = [
  {
    code: '01',
    name: 'Hà Nội',
    city: true,
    region: 'N',
    old: [
      [
        '001',
        'Hà Nội',
        8.4,
        'Quận Hoàn Kiếm',
        [
          'Quận Ba Đình',
          'Quận Đống Đa',
          'Quận Hai Bà Trưng',
          'Quận Cầu Giấy',
          'Quận Thanh Xuân',
          'Quận Hoàng Mai',
          'Quận Long Biên',
          'Quận Hà Đông',
        ],
      ],
    ],
    real: [
      'Phường Hoàn Kiếm',
      'Phường Cửa Nam',
      'Phường Ba Đình',
      'Phường Ngọc Hà',
      'Phường Giảng Võ',
      'Phường Hai Bà Trưng',
      'Phường Vĩnh Tuy',
      'Phường Bạch Mai',
      'Phường Đống Đa',
      'Phường Kim Liên',
      'Phường Văn Miếu - Quốc Tử Giám',
      'Phường Láng',
      'Phường Ô Chợ Dừa',
      'Phường Hồng Hà',
      'Phường Tây Hồ',
      'Phường Cầu Giấy',
      'Phường Nghĩa Đô',
      'Phường Yên Hòa',
      'Phường Thanh Xuân',
      'Phường Khương Đình',
      'Phường Hoàng Mai',
      'Phường Định Công',
      'Phường Long Biên',
      'Phường Bồ Đề',
      'Phường Hà Đông',
      'Phường Kiến Hưng',
      'Phường Sơn Tây',
      'Xã Sóc Sơn',
      'Xã Đông Anh',
      'Xã Gia Lâm',
      'Xã Thanh Trì',
      'Xã Ba Vì',
      'Xã Mê Linh',
      'Xã Thường Tín',
      'Xã Chương Mỹ',
    ],
  },
  {
    code: '04',
    name: 'Cao Bằng',
    region: 'N',
    old: [['004', 'Cao Bằng', 0.54, 'Thành phố Cao Bằng']],
    real: ['Phường Thục Phán', 'Phường Tân Giang', 'Phường Nùng Trí Cao'],
    eth: [
      ['Tày', 40],
      ['Nùng', 30],
      ["H'Mông", 10],
      ['Dao', 10],
      ['Kinh', 10],
    ],
  },
  {
    code: '08',
    name: 'Tuyên Quang',
    region: 'N',
    old: [
      ['008', 'Tuyên Quang', 0.8, 'Thành phố Tuyên Quang'],
      ['002', 'Hà Giang', 0.9, 'Thành phố Hà Giang'],
    ],
    real: ['Phường Minh Xuân', 'Phường Hà Giang 1#002', 'Phường Hà Giang 2#002', 'Xã Đồng Văn#002', 'Xã Mèo Vạc#002'],
    eth: [
      ['Kinh', 38],
      ['Tày', 25],
      ["H'Mông", 20],
      ['Dao', 12],
      ['Nùng', 5],
    ],
  },
  {
    code: '11',
    name: 'Điện Biên',
    region: 'N',
    old: [['011', 'Điện Biên', 0.64, 'Thành phố Điện Biên Phủ']],
    real: ['Phường Điện Biên Phủ', 'Phường Mường Thanh', 'Xã Tuần Giáo'],
    eth: [
      ['Thái', 35],
      ["H'Mông", 35],
      ['Kinh', 22],
      ['Khơ Mú', 5],
      ['Dao', 3],
    ],
  },
  {
    code: '12',
    name: 'Lai Châu',
    region: 'N',
    old: [['012', 'Lai Châu', 0.48, 'Thành phố Lai Châu']],
    real: ['Phường Tân Phong', 'Phường Đoàn Kết', 'Xã Sìn Hồ', 'Xã Phong Thổ'],
    eth: [
      ["H'Mông", 35],
      ['Thái', 30],
      ['Dao', 13],
      ['Kinh', 15],
      ['Hà Nhì', 7],
    ],
  },
  {
    code: '14',
    name: 'Sơn La',
    region: 'N',
    old: [['014', 'Sơn La', 1.3, 'Thành phố Sơn La']],
    real: ['Phường Tô Hiệu', 'Phường Chiềng An', 'Phường Mộc Châu', 'Xã Mai Sơn'],
    eth: [
      ['Thái', 53],
      ['Kinh', 17],
      ["H'Mông", 16],
      ['Mường', 8],
      ['Dao', 6],
    ],
  },
  {
    code: '15',
    name: 'Lào Cai',
    region: 'N',
    old: [
      ['010', 'Lào Cai', 0.77, 'Thành phố Lào Cai'],
      ['015', 'Yên Bái', 0.84, 'Thành phố Yên Bái'],
    ],
    real: [
      'Phường Lào Cai',
      'Phường Cam Đường',
      'Phường Sa Pa',
      'Xã Bắc Hà',
      'Phường Yên Bái#015',
      'Phường Nghĩa Lộ#015',
    ],
    eth: [
      ['Kinh', 50],
      ["H'Mông", 20],
      ['Tày', 12],
      ['Dao', 10],
      ['Thái', 8],
    ],
  },
  {
    code: '19',
    name: 'Thái Nguyên',
    region: 'N',
    old: [
      ['019', 'Thái Nguyên', 1.33, 'Thành phố Thái Nguyên'],
      ['006', 'Bắc Kạn', 0.32, 'Thành phố Bắc Kạn'],
    ],
    real: ['Phường Phan Đình Phùng', 'Phường Gia Sàng', 'Phường Phổ Yên', 'Phường Sông Công', 'Phường Đức Xuân#006'],
    eth: [
      ['Kinh', 70],
      ['Tày', 16],
      ['Nùng', 7],
      ['Dao', 4],
      ['Sán Dìu', 3],
    ],
  },
  {
    code: '20',
    name: 'Lạng Sơn',
    region: 'N',
    old: [['020', 'Lạng Sơn', 0.8, 'Thành phố Lạng Sơn']],
    real: ['Phường Đông Kinh', 'Phường Lương Văn Tri', 'Phường Tam Thanh', 'Xã Đồng Đăng', 'Xã Hữu Lũng'],
    eth: [
      ['Nùng', 42],
      ['Tày', 35],
      ['Kinh', 17],
      ['Dao', 4],
      ['Hoa', 2],
    ],
  },
  {
    code: '22',
    name: 'Quảng Ninh',
    region: 'N',
    old: [
      [
        '022',
        'Quảng Ninh',
        1.37,
        'Thành phố Hạ Long',
        ['Thành phố Cẩm Phả', 'Thành phố Uông Bí', 'Thành phố Móng Cái'],
      ],
    ],
    real: [
      'Phường Hạ Long',
      'Phường Bãi Cháy',
      'Phường Hồng Gai',
      'Phường Cẩm Phả',
      'Phường Uông Bí',
      'Phường Móng Cái 1',
      'Đặc khu Vân Đồn',
      'Đặc khu Cô Tô',
    ],
    eth: [
      ['Kinh', 88],
      ['Dao', 5],
      ['Tày', 4],
      ['Sán Dìu', 3],
    ],
  },
  {
    code: '24',
    name: 'Bắc Ninh',
    region: 'N',
    old: [
      ['027', 'Bắc Ninh', 1.5, 'Thành phố Bắc Ninh', ['Thành phố Từ Sơn']],
      ['024', 'Bắc Giang', 1.9, 'Thành phố Bắc Giang'],
    ],
    real: [
      'Phường Kinh Bắc',
      'Phường Võ Cường',
      'Phường Từ Sơn',
      'Xã Yên Phong',
      'Phường Bắc Giang#024',
      'Phường Đa Mai#024',
      'Xã Lục Ngạn#024',
    ],
  },
  {
    code: '25',
    name: 'Phú Thọ',
    region: 'N',
    old: [
      ['025', 'Phú Thọ', 1.5, 'Thành phố Việt Trì'],
      ['026', 'Vĩnh Phúc', 1.2, 'Thành phố Vĩnh Yên', ['Thành phố Phúc Yên']],
      ['017', 'Hòa Bình', 0.87, 'Thành phố Hòa Bình'],
    ],
    real: [
      'Phường Việt Trì',
      'Phường Nông Trang',
      'Phường Phú Thọ',
      'Phường Vĩnh Phúc#026',
      'Phường Vĩnh Yên#026',
      'Phường Phúc Yên#026',
      'Phường Hòa Bình#017',
    ],
    eth: [
      ['Kinh', 76],
      ['Mường', 20],
      ['Dao', 2],
      ['Tày', 2],
    ],
  },
  {
    code: '31',
    name: 'Hải Phòng',
    city: true,
    region: 'N',
    old: [
      [
        '031',
        'Hải Phòng',
        2.1,
        'Quận Hồng Bàng',
        [
          'Quận Ngô Quyền',
          'Quận Lê Chân',
          'Quận Hải An',
          'Quận Kiến An',
          'Quận Đồ Sơn',
          'Huyện Thủy Nguyên',
          'Huyện An Dương',
        ],
      ],
      ['030', 'Hải Dương', 1.95, 'Thành phố Hải Dương', ['Thành phố Chí Linh', 'Thị xã Kinh Môn']],
    ],
    real: [
      'Phường Hồng Bàng',
      'Phường Ngô Quyền',
      'Phường Lê Chân',
      'Phường Hải An',
      'Phường Kiến An',
      'Phường Đồ Sơn',
      'Phường Thủy Nguyên',
      'Đặc khu Cát Hải',
      'Đặc khu Bạch Long Vĩ',
      'Phường Hải Dương#030',
      'Phường Thành Đông#030',
      'Phường Chí Linh#030',
      'Phường Kinh Môn#030',
    ],
  },
  {
    code: '33',
    name: 'Hưng Yên',
    region: 'N',
    old: [
      ['033', 'Hưng Yên', 1.3, 'Thành phố Hưng Yên', ['Thị xã Mỹ Hào']],
      ['034', 'Thái Bình', 1.88, 'Thành phố Thái Bình'],
    ],
    real: [
      'Phường Phố Hiến',
      'Phường Sơn Nam',
      'Phường Mỹ Hào',
      'Phường Thái Bình#034',
      'Phường Trần Hưng Đạo#034',
      'Phường Trà Lý#034',
    ],
  },
  {
    code: '37',
    name: 'Ninh Bình',
    region: 'N',
    old: [
      ['037', 'Ninh Bình', 1.0, 'Thành phố Hoa Lư', ['Thành phố Tam Điệp']],
      ['036', 'Nam Định', 1.88, 'Thành phố Nam Định'],
      ['035', 'Hà Nam', 0.88, 'Thành phố Phủ Lý', ['Thị xã Duy Tiên']],
    ],
    real: [
      'Phường Hoa Lư',
      'Phường Tam Điệp',
      'Phường Nam Định#036',
      'Phường Thiên Trường#036',
      'Phường Phủ Lý#035',
      'Phường Duy Tiên#035',
    ],
  },
  {
    code: '38',
    name: 'Thanh Hóa',
    region: 'N',
    old: [['038', 'Thanh Hóa', 3.7, 'Thành phố Thanh Hóa', ['Thành phố Sầm Sơn', 'Thị xã Bỉm Sơn', 'Thị xã Nghi Sơn']]],
    real: [
      'Phường Hạc Thành',
      'Phường Quảng Phú',
      'Phường Hàm Rồng',
      'Phường Sầm Sơn',
      'Phường Bỉm Sơn',
      'Phường Nghi Sơn',
    ],
    eth: [
      ['Kinh', 82],
      ['Mường', 9],
      ['Thái', 7],
      ["H'Mông", 1],
      ['Dao', 1],
    ],
  },
  {
    code: '40',
    name: 'Nghệ An',
    region: 'C',
    old: [['040', 'Nghệ An', 3.4, 'Thành phố Vinh', ['Thị xã Cửa Lò', 'Thị xã Hoàng Mai', 'Thị xã Thái Hòa']]],
    real: [
      'Phường Thành Vinh',
      'Phường Trường Vinh',
      'Phường Vinh Hưng',
      'Phường Vinh Phú',
      'Phường Cửa Lò',
      'Phường Hoàng Mai',
      'Phường Thái Hòa',
    ],
    eth: [
      ['Kinh', 86],
      ['Thái', 10],
      ['Khơ Mú', 2],
      ["H'Mông", 2],
    ],
  },
  {
    code: '42',
    name: 'Hà Tĩnh',
    region: 'C',
    old: [['042', 'Hà Tĩnh', 1.3, 'Thành phố Hà Tĩnh', ['Thị xã Hồng Lĩnh', 'Thị xã Kỳ Anh']]],
    real: ['Phường Thành Sen', 'Phường Trần Phú', 'Phường Hồng Lĩnh', 'Phường Bắc Hồng Lĩnh', 'Phường Sông Trí'],
  },
  {
    code: '44',
    name: 'Quảng Trị',
    region: 'C',
    old: [
      ['045', 'Quảng Trị', 0.65, 'Thành phố Đông Hà', ['Thị xã Quảng Trị']],
      ['044', 'Quảng Bình', 0.91, 'Thành phố Đồng Hới', ['Thị xã Ba Đồn']],
    ],
    real: [
      'Phường Đông Hà',
      'Phường Nam Đông Hà',
      'Phường Quảng Trị',
      'Phường Đồng Hới#044',
      'Phường Đồng Thuận#044',
      'Phường Ba Đồn#044',
    ],
    eth: [
      ['Kinh', 95],
      ['Vân Kiều', 4],
      ['Pa Cô', 1],
    ],
  },
  {
    code: '46',
    name: 'Huế',
    city: true,
    region: 'C',
    old: [
      ['046', 'Thừa Thiên Huế', 1.16, 'Thành phố Huế', ['Thị xã Hương Thủy', 'Thị xã Hương Trà', 'Huyện Phong Điền']],
    ],
    real: [
      'Phường Thuận Hóa',
      'Phường Phú Xuân',
      'Phường Kim Long',
      'Phường Vỹ Dạ',
      'Phường Thủy Xuân',
      'Phường Hương Thủy',
      'Phường Hương Trà',
      'Phường Phong Điền',
    ],
  },
  {
    code: '48',
    name: 'Đà Nẵng',
    city: true,
    region: 'C',
    old: [
      [
        '048',
        'Đà Nẵng',
        1.24,
        'Quận Hải Châu',
        ['Quận Thanh Khê', 'Quận Sơn Trà', 'Quận Ngũ Hành Sơn', 'Quận Liên Chiểu', 'Quận Cẩm Lệ', 'Huyện Hòa Vang'],
      ],
      ['049', 'Quảng Nam', 1.5, 'Thành phố Tam Kỳ', ['Thành phố Hội An', 'Thị xã Điện Bàn']],
    ],
    real: [
      'Phường Hải Châu',
      'Phường Hòa Cường',
      'Phường Thanh Khê',
      'Phường An Khê',
      'Phường Sơn Trà',
      'Phường An Hải',
      'Phường Ngũ Hành Sơn',
      'Phường Liên Chiểu',
      'Phường Cẩm Lệ',
      'Xã Hòa Vang',
      'Đặc khu Hoàng Sa',
      'Phường Hội An#049',
      'Phường Tam Kỳ#049',
      'Phường Điện Bàn#049',
    ],
    eth: [
      ['Kinh', 96],
      ['Cơ Tu', 3],
      ['Xơ Đăng', 1],
    ],
  },
  {
    code: '51',
    name: 'Quảng Ngãi',
    region: 'C',
    old: [
      ['051', 'Quảng Ngãi', 1.25, 'Thành phố Quảng Ngãi'],
      ['062', 'Kon Tum', 0.58, 'Thành phố Kon Tum'],
    ],
    real: [
      'Phường Cẩm Thành',
      'Phường Nghĩa Lộ',
      'Phường Trương Quang Trọng',
      'Đặc khu Lý Sơn',
      'Phường Kon Tum#062',
      'Phường Đăk Cấm#062',
    ],
    eth: [
      ['Kinh', 75],
      ['Hrê', 8],
      ['Xơ Đăng', 9],
      ['Ba Na', 5],
      ['Cor', 3],
    ],
  },
  {
    code: '52',
    name: 'Gia Lai',
    region: 'C',
    old: [
      ['064', 'Gia Lai', 1.6, 'Thành phố Pleiku', ['Thị xã An Khê']],
      ['052', 'Bình Định', 1.5, 'Thành phố Quy Nhơn', ['Thị xã An Nhơn', 'Thị xã Hoài Nhơn']],
    ],
    real: [
      'Phường Pleiku',
      'Phường Hội Phú',
      'Phường An Khê',
      'Phường Quy Nhơn#052',
      'Phường Quy Nhơn Nam#052',
      'Phường Bồng Sơn#052',
      'Phường An Nhơn#052',
    ],
    eth: [
      ['Kinh', 72],
      ['Gia Rai', 18],
      ['Ba Na', 9],
      ['Chăm', 1],
    ],
  },
  {
    code: '56',
    name: 'Khánh Hòa',
    region: 'C',
    old: [
      ['056', 'Khánh Hòa', 1.25, 'Thành phố Nha Trang', ['Thành phố Cam Ranh', 'Thị xã Ninh Hòa']],
      ['058', 'Ninh Thuận', 0.6, 'Thành phố Phan Rang - Tháp Chàm'],
    ],
    real: [
      'Phường Nha Trang',
      'Phường Bắc Nha Trang',
      'Phường Nam Nha Trang',
      'Phường Cam Ranh',
      'Phường Ninh Hòa',
      'Đặc khu Trường Sa',
      'Phường Phan Rang#058',
      'Phường Đô Vinh#058',
    ],
    eth: [
      ['Kinh', 87],
      ['Chăm', 7],
      ['Raglai', 6],
    ],
  },
  {
    code: '66',
    name: 'Đắk Lắk',
    region: 'C',
    old: [
      ['066', 'Đắk Lắk', 1.9, 'Thành phố Buôn Ma Thuột', ['Thị xã Buôn Hồ']],
      ['054', 'Phú Yên', 0.88, 'Thành phố Tuy Hòa', ['Thị xã Sông Cầu']],
    ],
    real: [
      'Phường Buôn Ma Thuột',
      'Phường Tân An',
      'Phường Ea Kao',
      'Phường Buôn Hồ',
      'Phường Tuy Hòa#054',
      'Phường Phú Yên#054',
      'Phường Sông Cầu#054',
    ],
    eth: [
      ['Kinh', 70],
      ['Ê Đê', 17],
      ['Nùng', 4],
      ['Tày', 4],
      ["H'Mông", 2],
      ['Gia Rai', 3],
    ],
  },
  {
    code: '68',
    name: 'Lâm Đồng',
    region: 'S',
    old: [
      ['068', 'Lâm Đồng', 1.33, 'Thành phố Đà Lạt', ['Thành phố Bảo Lộc']],
      ['067', 'Đắk Nông', 0.67, 'Thành phố Gia Nghĩa'],
      ['060', 'Bình Thuận', 1.25, 'Thành phố Phan Thiết', ['Thị xã La Gi']],
    ],
    real: [
      'Phường Xuân Hương - Đà Lạt',
      'Phường Lâm Viên - Đà Lạt',
      'Phường Bảo Lộc 1',
      'Phường Bắc Gia Nghĩa#067',
      'Phường Nam Gia Nghĩa#067',
      'Phường Phan Thiết#060',
      'Phường Mũi Né#060',
      'Phường La Gi#060',
      'Đặc khu Phú Quý#060',
    ],
    eth: [
      ['Kinh', 82],
      ['Cơ Ho', 7],
      ['Mạ', 2],
      ['Chăm', 3],
      ['Nùng', 3],
      ['Tày', 3],
    ],
  },
  {
    code: '75',
    name: 'Đồng Nai',
    region: 'S',
    old: [
      ['075', 'Đồng Nai', 3.2, 'Thành phố Biên Hòa', ['Thành phố Long Khánh', 'Huyện Nhơn Trạch', 'Huyện Long Thành']],
      ['070', 'Bình Phước', 1.03, 'Thành phố Đồng Xoài'],
    ],
    real: [
      'Phường Trấn Biên',
      'Phường Biên Hòa',
      'Phường Tam Hiệp',
      'Phường Long Bình',
      'Phường Long Khánh',
      'Xã Nhơn Trạch',
      'Xã Long Thành',
      'Phường Bình Phước#070',
      'Phường Đồng Xoài#070',
    ],
    eth: [
      ['Kinh', 90],
      ['Hoa', 3],
      ['Xtiêng', 3],
      ['Nùng', 2],
      ['Tày', 2],
    ],
  },
  {
    code: '79',
    name: 'Hồ Chí Minh',
    city: true,
    region: 'S',
    old: [
      [
        '079',
        'Hồ Chí Minh',
        9.4,
        'Quận 1',
        [
          'Quận 3',
          'Quận 5',
          'Quận 10',
          'Quận Bình Thạnh',
          'Quận Gò Vấp',
          'Quận Tân Bình',
          'Quận Phú Nhuận',
          'Thành phố Thủ Đức',
        ],
      ],
      [
        '074',
        'Bình Dương',
        2.7,
        'Thành phố Thủ Dầu Một',
        ['Thành phố Dĩ An', 'Thành phố Thuận An', 'Thành phố Bến Cát'],
      ],
      ['077', 'Bà Rịa - Vũng Tàu', 1.2, 'Thành phố Vũng Tàu', ['Thành phố Bà Rịa', 'Thị xã Phú Mỹ', 'Huyện Côn Đảo']],
    ],
    real: [
      'Phường Sài Gòn',
      'Phường Tân Định',
      'Phường Bến Thành',
      'Phường Cầu Ông Lãnh',
      'Phường Bàn Cờ',
      'Phường Xuân Hòa',
      'Phường Nhiêu Lộc',
      'Phường Chợ Quán',
      'Phường An Đông',
      'Phường Chợ Lớn',
      'Phường Bình Tây',
      'Phường Tân Sơn Nhất',
      'Phường Gia Định',
      'Phường Bình Thạnh',
      'Phường Thủ Đức',
      'Phường Hiệp Bình',
      'Phường Tân Bình',
      'Phường Phú Nhuận',
      'Phường Gò Vấp',
      'Phường Hạnh Thông',
      'Xã Củ Chi',
      'Xã Hóc Môn',
      'Xã Bình Chánh',
      'Xã Nhà Bè',
      'Xã Cần Giờ',
      'Phường Thủ Dầu Một#074',
      'Phường Dĩ An#074',
      'Phường Thuận An#074',
      'Phường Bình Dương#074',
      'Phường Bến Cát#074',
      'Phường Vũng Tàu#077',
      'Phường Bà Rịa#077',
      'Phường Phú Mỹ#077',
      'Đặc khu Côn Đảo#077',
    ],
    eth: [
      ['Kinh', 93],
      ['Hoa', 5],
      ['Khmer', 1],
      ['Chăm', 0.5],
      ['Tày', 0.5],
    ],
  },
  {
    code: '80',
    name: 'Tây Ninh',
    region: 'S',
    old: [
      ['072', 'Tây Ninh', 1.19, 'Thành phố Tây Ninh', ['Thị xã Hòa Thành', 'Thị xã Trảng Bàng']],
      ['080', 'Long An', 1.7, 'Thành phố Tân An', ['Thị xã Kiến Tường', 'Huyện Đức Hòa', 'Huyện Cần Giuộc']],
    ],
    real: [
      'Phường Tân Ninh',
      'Phường Bình Minh',
      'Phường Hòa Thành',
      'Phường Trảng Bàng',
      'Phường Long An#080',
      'Phường Tân An#080',
      'Phường Kiến Tường#080',
      'Xã Đức Hòa#080',
      'Xã Cần Giuộc#080',
    ],
  },
  {
    code: '82',
    name: 'Đồng Tháp',
    region: 'S',
    old: [
      ['087', 'Đồng Tháp', 1.6, 'Thành phố Cao Lãnh', ['Thành phố Sa Đéc', 'Thành phố Hồng Ngự']],
      ['082', 'Tiền Giang', 1.8, 'Thành phố Mỹ Tho', ['Thành phố Gò Công', 'Huyện Cái Bè']],
    ],
    real: [
      'Phường Cao Lãnh',
      'Phường Sa Đéc',
      'Phường Hồng Ngự',
      'Phường Mỹ Tho#082',
      'Phường Đạo Thạnh#082',
      'Phường Gò Công#082',
      'Xã Cái Bè#082',
    ],
  },
  {
    code: '86',
    name: 'Vĩnh Long',
    region: 'S',
    old: [
      ['086', 'Vĩnh Long', 1.0, 'Thành phố Vĩnh Long', ['Thị xã Bình Minh']],
      ['083', 'Bến Tre', 1.3, 'Thành phố Bến Tre'],
      ['084', 'Trà Vinh', 1.0, 'Thành phố Trà Vinh', ['Thị xã Duyên Hải']],
    ],
    real: [
      'Phường Thanh Đức',
      'Phường Long Châu',
      'Phường Bình Minh',
      'Phường An Hội#083',
      'Phường Trà Vinh#084',
      'Phường Nguyệt Hóa#084',
      'Phường Duyên Hải#084',
    ],
    eth: [
      ['Kinh', 88],
      ['Khmer', 11],
      ['Hoa', 1],
    ],
  },
  {
    code: '91',
    name: 'An Giang',
    region: 'S',
    old: [
      ['089', 'An Giang', 1.9, 'Thành phố Long Xuyên', ['Thành phố Châu Đốc', 'Thị xã Tân Châu']],
      ['091', 'Kiên Giang', 1.75, 'Thành phố Rạch Giá', ['Thành phố Hà Tiên', 'Thành phố Phú Quốc']],
    ],
    real: [
      'Phường Long Xuyên',
      'Phường Bình Đức',
      'Phường Châu Đốc',
      'Phường Tân Châu',
      'Phường Rạch Giá#091',
      'Phường Hà Tiên#091',
      'Đặc khu Phú Quốc#091',
      'Đặc khu Kiên Hải#091',
    ],
    eth: [
      ['Kinh', 87],
      ['Khmer', 10],
      ['Hoa', 2],
      ['Chăm', 1],
    ],
  },
  {
    code: '92',
    name: 'Cần Thơ',
    city: true,
    region: 'S',
    old: [
      [
        '092',
        'Cần Thơ',
        1.25,
        'Quận Ninh Kiều',
        ['Quận Bình Thủy', 'Quận Cái Răng', 'Quận Ô Môn', 'Quận Thốt Nốt', 'Huyện Phong Điền'],
      ],
      ['094', 'Sóc Trăng', 1.2, 'Thành phố Sóc Trăng', ['Thị xã Vĩnh Châu']],
      ['093', 'Hậu Giang', 0.73, 'Thành phố Vị Thanh', ['Thành phố Ngã Bảy']],
    ],
    real: [
      'Phường Ninh Kiều',
      'Phường Cái Khế',
      'Phường Tân An',
      'Phường Bình Thủy',
      'Phường Cái Răng',
      'Phường Ô Môn',
      'Phường Thốt Nốt',
      'Phường Sóc Trăng#094',
      'Phường Phú Lợi#094',
      'Phường Vị Thanh#093',
      'Phường Ngã Bảy#093',
    ],
    eth: [
      ['Kinh', 82],
      ['Khmer', 14],
      ['Hoa', 4],
    ],
  },
  {
    code: '96',
    name: 'Cà Mau',
    region: 'S',
    old: [
      ['096', 'Cà Mau', 1.2, 'Thành phố Cà Mau'],
      ['095', 'Bạc Liêu', 0.92, 'Thành phố Bạc Liêu', ['Thị xã Giá Rai']],
    ],
    real: [
      'Phường An Xuyên',
      'Phường Tân Thành',
      'Phường Lý Văn Lâm',
      'Phường Bạc Liêu#095',
      'Phường Vĩnh Trạch#095',
      'Phường Giá Rai#095',
    ],
    eth: [
      ['Kinh', 91],
      ['Khmer', 6],
      ['Hoa', 3],
    ],
  },
];

const SYLLABLES = [
  'Tân',
  'Phú',
  'An',
  'Bình',
  'Hòa',
  'Thạnh',
  'Long',
  'Mỹ',
  'Hưng',
  'Thuận',
  'Phước',
  'Đông',
  'Tây',
  'Nam',
  'Bắc',
  'Lộc',
  'Vĩnh',
  'Xuân',
  'Thọ',
  'Quang',
  'Trung',
  'Hiệp',
  'Lợi',
  'Khánh',
  'Hải',
  'Sơn',
  'Thành',
  'Yên',
  'Minh',
  'Hồng',
  'Kim',
  'Đức',
  'Ninh',
  'Lạc',
  'Thủy',
  'Hợp',
  'Tiến',
  'Thịnh',
  'Phong',
  'Cát',
  'Nghĩa',
  'Điền',
  'Hà',
  'Lâm',
  'Châu',
  'Quý',
  'Tường',
  'Định',
  'Gia',
  'Văn',
  'Trà',
  'Cẩm',
  'Hội',
  'Tùng',
];

function isCity(spec: ProvinceSpec): boolean {
  return spec.city === true;
}

function genPlaceName(r: Rng, used: Set<string>): string {
  for (let i = 0; i < 200; i++) {
    const a = r.pick(SYLLABLES);
    const b = r.pick(SYLLABLES);
    if (a === b) continue;
    const n = `${a} ${b}`;
    if (!used.has(n)) {
      used.add(n);
      return n;
    }
  }
  throw new Error('areas: ran out of place names');
}

export function build(): { provinces: Province[]; oldProvinces: OldProvince[] } {
  const r = new Rng('vn-areas', 2025);
  const provinces: Province[] = [];
  const oldProvinces: OldProvince[] = [];
  for (const spec of SPECS) {
    const city = isCity(spec);
    const olds: OldProvince[] = spec.old.map(([idCode, name, pop, capital, extra]) => {
      const code2 = idCode.slice(1);
      const cityOld = ['001', '031', '048', '079', '092'].includes(idCode);
      const usedDistrictNames = new Set<string>([capital, ...(extra ?? [])]);
      const names = [capital, ...(extra ?? [])];
      const target = Math.min(9, Math.max(names.length, 3 + Math.round(pop * 1.5)));
      while (names.length < target) {
        const n = genPlaceName(r, usedDistrictNames);
        names.push(cityOld ? `Quận ${n}` : r.chance(0.15) ? `Thị xã ${n}` : `Huyện ${n}`);
      }
      const districts = names.slice(0, 9).map((n, i) => ({ code: `${code2}${i + 1}`, name: n }));
      return {
        code: code2,
        idCode,
        name,
        fullName: `${cityOld ? 'Thành phố' : 'Tỉnh'} ${name}`,
        newCode: spec.code,
        population: pop,
        districts,
      };
    });
    oldProvinces.push(...olds);
    const population = olds.reduce((s, o) => s + o.population, 0);
    const nCommunes = Math.max(spec.real.length, Math.min(40, Math.max(10, Math.round(8 + population * 2.2))));
    const usedNames = new Set<string>();
    const communes: Commune[] = [];
    const oldWeights = weighted(olds.map((o) => [o, o.population] as const));
    const legacyCounter = new Map<string, number>();
    const addCommune = (name: string, kind: CommuneKind, real: boolean, oldHint: OldProvince | undefined) => {
      const idx = communes.length + 1;
      const code = `${spec.code}0${String(idx).padStart(2, '0')}`;
      const weight = kind === 'Đặc khu' ? 0.15 : real ? (kind === 'Phường' ? 3 : 2) : kind === 'Phường' ? 1.5 : 1;
      const c: Commune = { code, name, kind, provinceCode: spec.code, real, weight, legacy: [] };
      const nLegacy = kind === 'Đặc khu' ? 1 : r.int(1, 3);
      const home = oldHint ?? r.pickW(oldWeights);
      for (let k = 0; k < nLegacy; k++) {
        const op = home;
        const dIdx = k === 0 && real && kind === 'Phường' ? 0 : r.int(0, op.districts.length - 1);
        const district = op.districts[dIdx];
        const n = (legacyCounter.get(district.code) ?? 0) + 1;
        legacyCounter.set(district.code, n);
        if (n > 99) throw new Error(`areas: too many legacy communes in district ${district.code}`);
        const southNumbered =
          spec.region === 'S' && kind === 'Phường' && district.name.startsWith('Quận') && r.chance(0.6);
        let lname: string;
        if (kind === 'Đặc khu') lname = `Thị trấn ${name.replace(/^Đặc khu /, '')}`;
        else if (southNumbered) lname = `Phường ${n}`;
        else if (kind === 'Phường') lname = `Phường ${genPlaceName(r, usedNames)}`;
        else lname = `${r.chance(0.12) ? 'Thị trấn' : 'Xã'} ${genPlaceName(r, usedNames)}`;
        c.legacy.push({
          code: `${district.code}${String(n).padStart(2, '0')}`,
          name: lname,
          district,
          oldProvince: op,
          communeCode: code,
        });
      }
      communes.push(c);
    };
    for (const entry of spec.real) {
      const [name, hint] = entry.split('#');
      usedNames.add(name.replace(/^(Phường|Xã|Đặc khu) /, ''));
      const kind: CommuneKind = name.startsWith('Phường') ? 'Phường' : name.startsWith('Đặc khu') ? 'Đặc khu' : 'Xã';
      const op = hint ? olds.find((o) => o.idCode === hint) : olds[0];
      if (!op) throw new Error(`areas: unknown old province ${hint} for ${name}`);
      addCommune(name, kind, true, op);
    }
    while (communes.length < nCommunes) {
      const urbanShare = city ? 0.55 : 0.18;
      const kind: CommuneKind = r.chance(urbanShare) ? 'Phường' : 'Xã';
      addCommune(`${kind} ${genPlaceName(r, usedNames)}`, kind, false, undefined);
    }
    provinces.push({
      code: spec.code,
      name: spec.name,
      fullName: `${city ? 'Thành phố' : 'Tỉnh'} ${spec.name}`,
      kind: city ? 'Thành phố' : 'Tỉnh',
      region: spec.region,
      population,
      oldProvinces: olds,
      communes,
      ethnicities: spec.eth ?? [
        ['Kinh', 98],
        ['Hoa', 1],
        ['Tày', 0.5],
        ['Mường', 0.5],
      ],
    });
  }
  return { provinces, oldProvinces };
}

if (require.main === module) {
  const data = toData(build());
  const dir = join(__dirname, '..', 'reference');
  writeFileSync(join(dir, 'provinces.json'), JSON.stringify(data.provinces, null, 1) + '\n');
  writeFileSync(join(dir, 'old-provinces.json'), JSON.stringify(data.oldProvinces, null, 1) + '\n');
  console.log(`reference: ${data.provinces.length} provinces, ${data.oldProvinces.length} old provinces written`);
}
