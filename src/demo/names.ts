/** Given names and family names by language, so a Lyon customer is not called Brittany Kowalski. */

export interface NameSet {
  female: readonly string[];
  male: readonly string[];
  family: readonly string[];
}

export const englishNames: NameSet = {
  female: ['Olivia', 'Emma', 'Ava', 'Sophia', 'Isabella', 'Mia', 'Amelia', 'Harper', 'Evelyn', 'Abigail', 'Emily', 'Ella', 'Grace', 'Chloe', 'Lily', 'Hannah', 'Zoe', 'Nora', 'Riley', 'Aaliyah', 'Maya', 'Priya', 'Mei', 'Fatima', 'Rosa', 'Claire', 'Sarah', 'Megan', 'Jessica', 'Laura'],
  male: ['Liam', 'Noah', 'Oliver', 'Elijah', 'James', 'William', 'Benjamin', 'Lucas', 'Henry', 'Theodore', 'Jack', 'Levi', 'Daniel', 'Michael', 'Mason', 'Ethan', 'Samuel', 'David', 'Joseph', 'Carter', 'Mateo', 'Omar', 'Arjun', 'Wei', 'Kwame', 'Ryan', 'Nathan', 'Tom', 'Harry', 'George'],
  family: ['Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Rodriguez', 'Martinez', 'Hernandez', 'Lopez', 'Wilson', 'Anderson', 'Thomas', 'Taylor', 'Moore', 'Jackson', 'Martin', 'Lee', 'Thompson', 'White', 'Harris', 'Clark', 'Lewis', 'Robinson', 'Walker', 'Young', 'Allen', 'King', 'Wright', 'Scott', 'Nguyen', 'Hill', 'Green', 'Adams', 'Baker', 'Nelson', 'Patel', 'Kim', "O'Brien", 'Murphy', 'Kelly', 'Evans', 'Hughes', 'Price', 'Cooper', 'Ward', 'Chen', 'Okafor'],
};

export const germanNames: NameSet = {
  female: ['Anna', 'Lena', 'Lea', 'Hannah', 'Marie', 'Sophie', 'Julia', 'Laura', 'Katharina', 'Sarah', 'Jana', 'Mia', 'Emilia', 'Johanna', 'Clara'],
  male: ['Lukas', 'Leon', 'Finn', 'Jonas', 'Paul', 'Felix', 'Maximilian', 'Elias', 'Ben', 'Tim', 'Jan', 'Niklas', 'Moritz', 'Tobias', 'Stefan'],
  family: ['Müller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Meyer', 'Wagner', 'Becker', 'Schulz', 'Hoffmann', 'Koch', 'Richter', 'Klein', 'Wolf', 'Schröder', 'Neumann', 'Schwarz', 'Zimmermann', 'Braun', 'Krüger'],
};

export const frenchNames: NameSet = {
  female: ['Camille', 'Léa', 'Manon', 'Chloé', 'Inès', 'Jade', 'Louise', 'Zoé', 'Emma', 'Juliette', 'Élise', 'Margaux', 'Claire', 'Sarah', 'Anaïs'],
  male: ['Lucas', 'Hugo', 'Louis', 'Gabriel', 'Arthur', 'Jules', 'Nathan', 'Théo', 'Raphaël', 'Antoine', 'Maxime', 'Thomas', 'Julien', 'Nicolas', 'Mathis'],
  family: ['Martin', 'Bernard', 'Dubois', 'Thomas', 'Robert', 'Richard', 'Petit', 'Durand', 'Leroy', 'Moreau', 'Simon', 'Laurent', 'Lefebvre', 'Michel', 'Garcia', 'David', 'Bertrand', 'Roux', 'Vincent', 'Fournier'],
};

export const dutchNames: NameSet = {
  female: ['Emma', 'Julia', 'Sophie', 'Tess', 'Anna', 'Fleur', 'Sanne', 'Lotte', 'Eva', 'Noor'],
  male: ['Daan', 'Sem', 'Lucas', 'Levi', 'Finn', 'Bram', 'Thijs', 'Jesse', 'Ruben', 'Lars'],
  family: ['de Jong', 'Jansen', 'de Vries', 'van den Berg', 'van Dijk', 'Bakker', 'Janssen', 'Visser', 'Smit', 'Meijer', 'de Boer', 'Mulder'],
};

export const spanishNames: NameSet = {
  female: ['Lucía', 'Sofía', 'María', 'Martina', 'Paula', 'Julia', 'Daniela', 'Valeria', 'Alba', 'Carmen'],
  male: ['Hugo', 'Mateo', 'Martín', 'Lucas', 'Leo', 'Daniel', 'Alejandro', 'Pablo', 'Manuel', 'Javier'],
  family: ['García', 'Rodríguez', 'González', 'Fernández', 'López', 'Martínez', 'Sánchez', 'Pérez', 'Gómez', 'Martín', 'Jiménez', 'Ruiz'],
};
