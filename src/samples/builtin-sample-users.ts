import { foldForSearch } from '../domain/text-folding';
import type { User } from '../domain/user';

// [first, last, age, phone, address]: fictional people, made up for this
// project. Emails derive from the names; ids are stable so outputs are too.
const PEOPLE: ReadonlyArray<readonly [string, string, number, string, string]> = [
  ['Maël', 'Valadier', 34, '+33 6 12 48 90 17', '12 rue des Tanneurs, Lyon, 69002'],
  ['José', 'Carvalho', 47, '+351 912 555 031', '8 Rua do Sol, Porto, 4000-123'],
  ['Chloé', 'Brunet', 22, '+33 7 45 20 11 98', '3 allée des Cèdres, Nantes, 44000'],
  ['Zoë', 'Lindqvist', 29, '+46 70 555 12 84', 'Björkgatan 14, Uppsala, 753 21'],
  ['Søren', 'Kjær', 58, '+45 20 55 71 43', 'Nørregade 9, Aarhus, 8000'],
  ['Ana', 'Muñoz', 41, '+34 655 010 442', 'Calle Mayor 21, Valencia, 46001'],
  ['François', 'Lefèvre', 66, '+33 6 77 03 52 60', '41 quai Saint-Pierre, Bordeaux, 33000'],
  ['Jürgen', 'Weiß', 53, '+49 151 5550 2210', 'Lindenstraße 5, Leipzig, 04109'],
  ['Inès', 'Benali', 27, '+33 6 31 80 44 25', '19 boulevard Voltaire, Paris, 75011'],
  ['Łukasz', 'Nowak', 38, '+48 501 555 712', 'ul. Długa 30, Gdańsk, 80-827'],
  ['Valencia', 'Ortega', 51, '+1 (505) 555-0148', '941 Mesa Court, Santa Fe, New Mexico, 87501'],
  ['Brianna', 'Shelby', 19, '+1 (814) 555-0177', '255 Orchard Road, Erie, Pennsylvania, 16501'],
  ['Marcus', 'Holloway', 72, '+1 (312) 555-0102', '77 Lakeview Avenue, Chicago, Illinois, 60614'],
  ['Priya', 'Raman', 31, '+91 98450 55501', '14 MG Road, Bengaluru, 560001'],
  ['Kenji', 'Watanabe', 45, '+81 90 5555 0192', '2-4-1 Shibuya, Tokyo, 150-0002'],
  ['Amara', 'Okafor', 24, '+234 803 555 0164', '12 Awolowo Road, Lagos, 101233'],
  ['Liam', "O'Connell", 36, '+353 87 555 0133', '5 Harbour View, Galway, H91 E2K3'],
  ['Noémie', 'Tremblay', 62, '+1 (514) 555-0119', '300 rue Sherbrooke, Montréal, Québec, H2X 1E6'],
  ['Ingrid', 'Haugen', 49, '+47 412 55 803', 'Storgata 18, Tromsø, 9008'],
  ['Tomás', 'Ferreira', 33, '+55 11 95555 0127', 'Rua Augusta 900, São Paulo, 01304-001'],
  ['Elena', 'Petrova', 28, '+359 88 555 0146', '7 Vitosha Blvd, Sofia, 1000'],
  ['Hannah', 'Becker', 81, '+49 170 5550 6621', 'Rosenweg 3, Freiburg, 79098'],
  ['Omar', 'Haddad', 44, '+961 3 555 018', 'Rue Hamra 45, Beirut'],
  ['Yuki', 'Tanaka', 17, '+81 80 5555 0175', '1-1 Namba, Osaka, 542-0076'],
  ['Grace', 'Whitfield', 57, '+44 7700 900123', '9 Mill Lane, York, YO1 7HH'],
  ['Mateo', 'Rossi', 39, '+39 347 555 0198', 'Via Roma 12, Torino, 10121'],
  ['Aïcha', 'Diallo', 26, '+221 77 555 01 38', 'Rue 10, Dakar, 12500'],
  ['Björn', 'Åkesson', 64, '+46 73 555 90 12', 'Sjövägen 2, Visby, 621 57'],
  ['Camille', 'Dupré', 35, '+32 470 55 50 61', 'Rue Haute 88, Bruxelles, 1000'],
  ['Dmitri', 'Volkov', 50, '+7 916 555 01 87', 'Ulitsa Lenina 4, Kazan, 420111'],
  ['Sofía', 'Hernández', 23, '+52 55 5555 0109', 'Av. Reforma 222, Ciudad de México, 06600'],
  ['Nathan', 'Moreau', 42, '+33 6 58 14 77 03', '6 place Bellecour, Lyon, 69002'],
];

/** The built-in sample users: deterministic, fictional, varied ages, some diacritics. */
export function builtinSampleUsers(): User[] {
  return PEOPLE.map(([firstName, lastName, age, phone, address], index) => ({
    id: `sample-${String(index + 1).padStart(2, '0')}`,
    age,
    firstName,
    lastName,
    email: `${asciiLocalPart(firstName)}.${asciiLocalPart(lastName)}@example.com`,
    phone,
    address,
  }));
}

function asciiLocalPart(name: string): string {
  return foldForSearch(name).replace(/[^a-z]/g, '');
}
